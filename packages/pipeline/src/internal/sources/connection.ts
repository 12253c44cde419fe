import { stat } from 'node:fs/promises';
import type { RgbImage } from '@inference-ts/core';
import { loadImage, settleWithin } from '@inference-ts/core';
import { isPipelineError, PipelineError } from '../errors.js';
import { FfmpegDecoder } from '../ffmpeg/decoder.js';
import { inputArgs } from '../ffmpeg/input-args.js';
import type { FfmpegBinaries } from '../ffmpeg/locate.js';
import { type ProbeResult, probeVideo } from '../ffmpeg/probe.js';
import type { SourceProperties } from '../types.js';
import { decodeImageWithFfmpeg } from './decode-image.js';
import type { ResolvedReference } from './reference.js';
import type { FrameProducer, VideoSourceOptions } from './types.js';

/** One decoded image and, for files, its presentation time. */
export interface DecodedFrame {
  image: RgbImage;
  /** Seconds from the start of the file (files only). */
  ptsSec?: number;
}

/** One open connection to a source (an ffmpeg process, an image list, a producer). */
export interface Connection {
  readonly properties: SourceProperties;
  /** ms since epoch of pts 0, for file timestamps; absent for live sources (wall clock). */
  readonly timestampBase?: number;
  /** ffmpeg's pid, when there is one. */
  readonly pid?: number;
  /** Next frame, or null at end of stream. */
  next(): Promise<DecodedFrame | null>;
  /** Releases everything (kills and reaps ffmpeg). Never rejects. */
  close(): Promise<void>;
}

/** Opens a connection; rejects with a redacted `PipelineError`. Must honour `signal`. */
export type Connector = (signal: AbortSignal) => Promise<Connection>;

interface ConnectorSettings {
  options: VideoSourceOptions;
  connectTimeoutMs: number;
  killGraceMs: number;
  /** Frame buffers for the decoder (the source's recycled ones). */
  allocateFrame?: (bytes: number) => Uint8Array;
}

/** Largest file frame (pixels) decoded on one thread by default. */
const ONE_THREAD_MAX_PIXELS = 1280 * 720;

/** `-threads` for a decoder: the option, else 1 for a probed file of small frames, else ffmpeg's choice. */
function decoderThreads(
  option: number | 'auto' | undefined,
  file: ProbeResult | undefined,
): number | undefined {
  if (option === 'auto') return undefined;
  if (option !== undefined) return option;
  return file && file.width * file.height <= ONE_THREAD_MAX_PIXELS ? 1 : undefined;
}

/** Connector for everything ffmpeg reads: files, RTSP/RTMP/HTTP/HLS, webcams. */
export function ffmpegConnector(
  ref: Extract<ResolvedReference, { kind: 'ffmpeg' }>,
  bins: FfmpegBinaries,
  { options, connectTimeoutMs, killGraceMs, allocateFrame }: ConnectorSettings,
): Connector {
  const protocolArgs = inputArgs(ref.inputKind, {
    majorVersion: bins.majorVersion,
    rtspTransport: options.rtspTransport,
    ioTimeoutMs: connectTimeoutMs,
    webcam: options.webcam,
  });
  // the user's extra input options (e.g. `-ss 12`) are for the decoder; ffprobe rejects some of them
  const args = [...protocolArgs, ...(options.inputArgs ?? [])];
  let fileInfo: { probe?: ProbeResult; mtimeMs: number } | undefined;
  return async (signal) => {
    if (!ref.live && !fileInfo) {
      // Files: frame count and duration come from ffprobe (once; files are never reopened).
      const mtimeMs = ref.inputKind === 'file' ? (await stat(ref.input)).mtimeMs : Date.now();
      const probe = bins.ffprobe
        ? await probeVideo(bins.ffprobe, ref.input, { inputArgs: protocolArgs, timeoutMs: connectTimeoutMs })
        : undefined;
      fileInfo = probe ? { probe, mtimeMs } : { mtimeMs };
    }
    const threads = decoderThreads(options.decoderThreads, ref.live ? undefined : fileInfo?.probe);
    const decoder = FfmpegDecoder.spawn({
      ffmpegPath: bins.ffmpeg,
      majorVersion: bins.majorVersion,
      input: ref.input,
      inputArgs: args,
      size: options.size,
      ...(allocateFrame ? { allocateFrame } : {}),
      ...(threads !== undefined ? { threads } : {}),
    });
    let header: Awaited<ReturnType<FfmpegDecoder['ready']>>;
    try {
      const outcome = await settleWithin(decoder.ready(), connectTimeoutMs, signal);
      if (outcome.kind !== 'value') {
        throw new PipelineError(
          'PIPE_ERR_SOURCE_CONNECTION',
          outcome.kind === 'timeout'
            ? `${ref.display} did not open within ${connectTimeoutMs} ms`
            : `Connecting to ${ref.display} was cancelled`,
        );
      }
      header = outcome.value;
    } catch (e) {
      await decoder.stop(killGraceMs);
      throw isPipelineError(e) ? e : new PipelineError('PIPE_ERR_SOURCE_CONNECTION', String(e), { cause: e });
    }
    const probe = fileInfo?.probe;
    const fps = probe?.fps || header.inputFps;
    const properties: SourceProperties = {
      width: probe?.width ?? header.inputWidth,
      height: probe?.height ?? header.inputHeight,
      fps,
      isFile: !ref.live,
    };
    if (!ref.live && probe?.totalFrames !== undefined) properties.totalFrames = probe.totalFrames;
    const { outputWidth: width, outputHeight: height } = header;
    let index = 0;
    const connection: Connection = {
      properties,
      pid: decoder.pid,
      async next() {
        const data = await decoder.readFrame();
        if (!data) return null;
        const frame: DecodedFrame = { image: { data, width, height } };
        if (!ref.live && fps > 0) frame.ptsSec = index / fps;
        index++;
        return frame;
      },
      async close() {
        await decoder.stop(killGraceMs);
      },
    };
    if (!ref.live && fileInfo) {
      // Like Roboflow: the file's mtime marks its end, so pts 0 is mtime − duration.
      const durationMs = (probe?.durationSec ?? 0) * 1000;
      return { ...connection, timestampBase: fileInfo.mtimeMs - durationMs };
    }
    return connection;
  };
}

/** Connector for an image directory or glob: one frame per file, in sorted order. */
export function imagesConnector(
  ref: Extract<ResolvedReference, { kind: 'images' }>,
  bins: FfmpegBinaries | undefined,
  options: VideoSourceOptions,
): Connector {
  const withFfmpeg = (path: string) => {
    if (!bins) throw new PipelineError('PIPE_ERR_FFMPEG_NOT_FOUND');
    return decodeImageWithFfmpeg(bins.ffmpeg, path, options.size);
  };
  // sharp (through the core) by default: in process and EXIF-aware; ffmpeg when frames
  // must be scaled, or for formats sharp does not read (PPM, ...)
  const decode =
    options.decodeImage ??
    (options.size
      ? withFfmpeg
      : (path: string) =>
          loadImage(path).catch((e: unknown) => (bins ? withFfmpeg(path) : Promise.reject(e))));
  const fps = options.fps ?? 0;
  return async () => {
    const first = await decode(ref.files[0]);
    let index = 0;
    let pendingFirst: RgbImage | undefined = first;
    return {
      properties: {
        width: first.width,
        height: first.height,
        fps,
        isFile: true,
        totalFrames: ref.files.length,
      },
      timestampBase: fps > 0 ? Date.now() : undefined,
      async next() {
        if (index >= ref.files.length) return null;
        const image = pendingFirst ?? (await decode(ref.files[index]));
        pendingFirst = undefined;
        const frame: DecodedFrame = { image };
        if (fps > 0) frame.ptsSec = index / fps;
        index++;
        return frame;
      },
      async close() {},
    };
  };
}

function validateProducerImage(image: unknown): RgbImage {
  const im = image as Partial<RgbImage> | null;
  if (
    !im ||
    !(im.data instanceof Uint8Array) ||
    !Number.isInteger(im.width) ||
    !Number.isInteger(im.height) ||
    im.data.length !== im.width! * im.height! * 3
  ) {
    throw new PipelineError(
      'PIPE_ERR_PRODUCER',
      'The frame producer returned something that is not an RgbImage (data.length must be width × height × 3).',
    );
  }
  return im as RgbImage;
}

/** Connector for a user-supplied producer. A producer is consumed once: it is never reconnected. */
export function producerConnector(producer: FrameProducer, options: VideoSourceOptions): Connector {
  let iterator: AsyncIterator<RgbImage> | Iterator<RgbImage> | undefined;
  if (typeof producer !== 'function') {
    iterator =
      Symbol.asyncIterator in producer
        ? (producer as AsyncIterable<RgbImage>)[Symbol.asyncIterator]()
        : (producer as Iterable<RgbImage>)[Symbol.iterator]();
  }
  const pull = async (): Promise<RgbImage | null> => {
    if (typeof producer === 'function') return (await producer()) ?? null;
    const r = await iterator!.next();
    return r.done ? null : r.value;
  };
  const wrap = async (): Promise<RgbImage | null> => {
    let image: RgbImage | null;
    try {
      image = await pull();
    } catch (e) {
      throw new PipelineError(
        'PIPE_ERR_PRODUCER',
        `The frame producer threw: ${(e as Error)?.message ?? e}`,
        {
          cause: e,
        },
      );
    }
    return image === null ? null : validateProducerImage(image);
  };
  return async () => {
    const first = await wrap();
    let pendingFirst: RgbImage | null | undefined = first;
    return {
      properties: {
        width: first?.width ?? 0,
        height: first?.height ?? 0,
        fps: options.fps ?? 0,
        isFile: false,
      },
      async next() {
        if (pendingFirst !== undefined) {
          const image = pendingFirst;
          pendingFirst = undefined;
          return image ? { image } : null;
        }
        const image = await wrap();
        return image ? { image } : null;
      },
      async close() {
        // Let a generator run its finally blocks; never wait for it (it may be blocked).
        void Promise.resolve(iterator?.return?.()).catch(() => undefined);
      },
    };
  };
}
