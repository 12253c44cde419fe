import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonlSink } from '../sinks/jsonl.js';
import { memorySink } from '../sinks/memory.js';
import { mjpegPreviewSink } from '../sinks/mjpeg-preview.js';
import { udpSink } from '../sinks/udp.js';
import { videoFileSink } from '../sinks/video-file.js';
import type { VideoFrame } from '../types.js';
import type { StatusEvent } from '../watchdog/events.js';
import { DEFAULT_MAX_CONSECUTIVE_SINK_ERRORS, InferencePipeline } from './inference-pipeline.js';
import { hasFfmpeg, makeTestVideo } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'pipe-sink-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const makeVideo = (name: string, frames: number) => makeTestVideo(dir, name, frames);

const label = (frames: VideoFrame[]) => frames.map((f) => `${f.sourceId}:${f.frameId}`);
const failing = () => {
  throw new Error('disk full');
};

/** True when something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const portOf = (url: string) => Number(new URL(url).port);

describe.skipIf(!hasFfmpeg)('sink failure policy (needs ffmpeg)', () => {
  let video: string;
  beforeAll(() => {
    video = makeVideo('long.mp4', 200);
  });

  it('a sink failing on every batch stops the pipeline in ERROR after maxConsecutiveSinkErrors', async () => {
    const events: StatusEvent[] = [];
    const good = memorySink<string>({ size: 300 });
    const pipeline = await InferencePipeline.init<string>({
      videoReference: video,
      onVideoFrame: label,
      onPrediction: [failing, good],
      maxConsecutiveSinkErrors: 3,
      onStatusUpdate: (e) => events.push(e),
      closeSinks: false,
    });
    await pipeline.start();
    const pid = pipeline.sources[0].decoderPid;
    await pipeline.join();
    expect(pipeline.state).toBe('ERROR');
    expect(pipeline.failure).toMatchObject({ code: 'PIPE_ERR_SINK_ERROR_LIMIT' });
    expect(String((pipeline.failure as Error).message)).toMatch(
      /sink 0 failed on 3 batches in a row.*disk full/,
    );
    expect(events.filter((e) => e.type === 'INFERENCE_RESULTS_DISPATCHING_ERROR')).toHaveLength(3);
    expect(events.find((e) => e.type === 'PIPELINE_STOPPED')).toMatchObject({
      severity: 'error',
      payload: { error_code: 'PIPE_ERR_SINK_ERROR_LIMIT' },
    });
    expect(good.length).toBe(3); // the other sink got those batches, then everything stopped
    expect(pipeline.sources[0].state).toBe('ENDED');
    expect(pid !== undefined && isAlive(pid)).toBe(false);
  });

  it(`stops after ${DEFAULT_MAX_CONSECUTIVE_SINK_ERRORS} failures in a row by default`, async () => {
    const events: StatusEvent[] = [];
    const pipeline = await InferencePipeline.init<string>({
      videoReference: video,
      onVideoFrame: label,
      onPrediction: failing,
      onStatusUpdate: (e) => events.push(e),
    });
    await pipeline.start();
    await pipeline.join();
    expect(pipeline.state).toBe('ERROR');
    expect(events.filter((e) => e.type === 'INFERENCE_RESULTS_DISPATCHING_ERROR')).toHaveLength(
      DEFAULT_MAX_CONSECUTIVE_SINK_ERRORS,
    );
  });

  it.each([
    ['jsonl in a missing folder', () => jsonlSink('/proc/nope/out.jsonl')],
    ['jsonl onto a directory', () => jsonlSink(dir)],
    ['video in a read-only place', () => videoFileSink('/proc/nope.mp4')],
    ['udp to a port that is no port', () => udpSink('127.0.0.1', 0)],
    ['udp to a host that does not resolve', () => udpSink('no-such-host.invalid', 9999)],
  ])(
    'a sink that cannot open (%s) fails start() before any source connects, and closes the others',
    async (_name, make) => {
      const preview = await mjpegPreviewSink({ port: 0 });
      const port = portOf(preview.url);
      expect(await listening(port)).toBe(true);
      const pipeline = await InferencePipeline.init<string>({
        videoReference: video,
        onVideoFrame: label,
        onPrediction: [preview, make()],
      });
      await expect(pipeline.start()).rejects.toMatchObject({ code: 'PIPE_ERR_SINK_OPEN' });
      // rejects only once everything is closed: the process could exit right now
      expect(pipeline.state).toBe('ERROR');
      expect(pipeline.failure).toMatchObject({ code: 'PIPE_ERR_SINK_OPEN' });
      expect(pipeline.sources[0].stats().framesDecoded).toBe(0);
      expect(pipeline.sources[0].decoderPid).toBeUndefined();
      expect(await listening(port)).toBe(false);
      await pipeline.join();
    },
  );

  it('a jsonl sink leaves no file behind when the start fails', async () => {
    const notVideo = join(dir, 'not-a-video.mp4');
    writeFileSync(notVideo, 'hello');
    const out = join(dir, 'never.jsonl');
    const pipeline = await InferencePipeline.init<string>({
      videoReference: notVideo,
      onVideoFrame: label,
      onPrediction: jsonlSink(out),
    });
    await expect(pipeline.start()).rejects.toBeInstanceOf(Error);
    expect(pipeline.state).toBe('ERROR');
    expect(existsSync(out)).toBe(false);
  });

  it('a failed init closes the sinks it was given', async () => {
    const preview = await mjpegPreviewSink({ port: 0 });
    const port = portOf(preview.url);
    await expect(
      InferencePipeline.init<string>({
        videoReference: join(dir, 'missing.mp4'),
        onVideoFrame: label,
        onPrediction: preview,
      }),
    ).rejects.toMatchObject({ code: 'PIPE_ERR_SOURCE_NOT_FOUND' });
    expect(await listening(port)).toBe(false);
  });

  it('refuses a maxConsecutiveSinkErrors below 1', async () => {
    await expect(
      InferencePipeline.init({ videoReference: video, onVideoFrame: label, maxConsecutiveSinkErrors: 0 }),
    ).rejects.toMatchObject({ code: 'PIPE_ERR_INVALID_OPTION' });
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
