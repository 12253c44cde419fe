import { extname } from 'node:path';
import type { AnnotateOptions } from '@inference-ts/core/annotate';
import { isPipelineError, PipelineError } from '../errors.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { FfmpegVideoWriter, type VideoCodec } from './ffmpeg-writer.js';
import { checkWritablePath } from './output-path.js';
import { annotatingRenderer, type FrameRenderer } from './render.js';
import { type ClosableSink, withClose } from './types.js';

/** Options of {@link videoFileSink}. */
export interface VideoFileSinkOptions<P = unknown> {
  /** Output frame rate (default: the first frame's declared fps, else 30). */
  fps?: number;
  /** 'auto' (default) = H.264 when ffmpeg has libx264, else MPEG-4. */
  codec?: VideoCodec;
  /** 1..100, higher is better (default 75). */
  quality?: number;
  /** Annotation settings for the default renderer. */
  annotate?: AnnotateOptions;
  /** Custom drawing instead of the core annotators. */
  render?: FrameRenderer<P>;
  /** Explicit ffmpeg binary. */
  ffmpegPath?: string;
  /** `close()` waits this long for ffmpeg to finish each file, then kills it (default 10 000 ms). */
  closeTimeoutMs?: number;
}

/** The video file sink; `files` lists what it wrote (one per source). */
export interface VideoFileSink<P> extends ClosableSink<P> {
  /** Output path per source id, once that source's first frame arrived. */
  readonly files: ReadonlyMap<number, string>;
}

/**
 * Path for one source: the given path when the pipeline has a single source, else
 * `name.<sourceId>.ext` beside it.
 */
export function videoPathFor(path: string, sourceId: number, sourceCount: number): string {
  if (sourceCount <= 1) return path;
  const ext = extname(path);
  return `${path.slice(0, path.length - ext.length)}.${sourceId}${ext}`;
}

/**
 * Sink encoding annotated frames into a video file with ffmpeg (raw RGB on its stdin,
 * H.264 when available, yuv420p). With several sources each gets its own file
 * (`out.mp4` -> `out.0.mp4`, `out.1.mp4`). Frame size is fixed by a source's first
 * frame; later frames of another size are refused (a sink error event). Writes wait for
 * ffmpeg (back-pressure); `close()` waits until every file is finished. `open()` (called
 * by the pipeline's `start()`) fails fast when ffmpeg is missing or the path cannot be written.
 *
 * @example
 * const sink = videoFileSink('annotated.mp4', { fps: 30 });
 * await pipeline.start(); await pipeline.join();   // the pipeline closes its sinks
 */
export function videoFileSink<P = unknown>(
  path: string,
  options: VideoFileSinkOptions<P> = {},
): VideoFileSink<P> {
  const render = options.render ?? annotatingRenderer<P>(options.annotate);
  const writers = new Map<number, Promise<FfmpegVideoWriter>>();
  const files = new Map<number, string>();
  let closing: Promise<void> | undefined;

  const writerFor = (sourceId: number, sourceCount: number, width: number, height: number, fps: number) => {
    let w = writers.get(sourceId);
    if (!w) {
      const file = videoPathFor(path, sourceId, sourceCount);
      files.set(sourceId, file);
      w = FfmpegVideoWriter.open(file, {
        width,
        height,
        fps,
        codec: options.codec,
        quality: options.quality,
        ffmpegPath: options.ffmpegPath,
      });
      writers.set(sourceId, w);
    }
    return w;
  };

  const sink = withClose<P>(
    async (predictions, frames) => {
      if (closing) throw new PipelineError('PIPE_ERR_SINK_CLOSED', `video sink for ${path} is closed`);
      for (let i = 0; i < frames.length; i++) {
        const frame = frames[i];
        if (!frame) continue;
        const image = render(frame, predictions[i] ?? null);
        const fps = options.fps ?? (frame.fps > 0 ? frame.fps : 30);
        const writer = await writerFor(frame.sourceId, frames.length, image.width, image.height, fps);
        if (image.width !== writer.width || image.height !== writer.height) {
          throw new PipelineError(
            'PIPE_ERR_VIDEO_WRITE',
            `frame ${frame.frameId} of source ${frame.sourceId} is ${image.width}x${image.height}, the video is ${writer.width}x${writer.height}`,
          );
        }
        await writer.write(image.data);
      }
    },
    () => {
      closing ??= (async () => {
        const results = await Promise.allSettled(
          [...writers.values()].map(async (w) => (await w).close(options.closeTimeoutMs ?? 10_000)),
        );
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
      })();
      return closing;
    },
    async () => {
      await checkWritablePath(path, 'video sink');
      try {
        await locateFfmpeg(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {});
      } catch (e) {
        throw isPipelineError(e)
          ? e
          : new PipelineError('PIPE_ERR_SINK_OPEN', `video sink: no ffmpeg`, { cause: e });
      }
    },
  );
  return Object.defineProperty(sink, 'files', { get: () => files }) as VideoFileSink<P>;
}
