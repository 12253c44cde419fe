import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Detections } from '@inference-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySink } from '../sinks/memory.js';
import { videoFileSink } from '../sinks/video-file.js';
import type { VideoFrame } from '../types.js';
import type { StatusEvent } from '../watchdog/events.js';
import { InferencePipeline } from './inference-pipeline.js';
import { hasFfmpeg, makeTestVideo } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'pipe-pipeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeVideo(name: string, frames: number, rate = 25): string {
  return makeTestVideo(dir, name, frames, rate);
}

/** Poll until `cond` holds (a bounded wait for a condition, not a timing assertion). */
async function waitFor(cond: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Custom logic that just labels frames: `${sourceId}:${frameId}`. */
const label = (frames: VideoFrame[]) => frames.map((f) => `${f.sourceId}:${f.frameId}`);

describe.skipIf(!hasFfmpeg)('InferencePipeline with custom logic (needs ffmpeg)', () => {
  let short: string;
  let long: string;
  beforeAll(() => {
    short = makeVideo('short.mp4', 30);
    long = makeVideo('long.mp4', 200);
  });

  it('processes every frame of a file, in order, then ends', async () => {
    const events: StatusEvent[] = [];
    const seen: string[] = [];
    const pipeline = await InferencePipeline.init<string>({
      videoReference: short,
      onVideoFrame: label,
      onPrediction: (predictions) => {
        for (const p of predictions) if (p) seen.push(p);
      },
      onStatusUpdate: (e) => events.push(e),
    });
    expect(pipeline.state).toBe('NOT_STARTED');
    await pipeline.start();
    await pipeline.join();
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `0:${i + 1}`));
    expect(pipeline.state).toBe('ENDED');
    const types = events.map((e) => e.type);
    expect(types).toContain('INFERENCE_THREAD_STARTED');
    expect(types).toContain('INFERENCE_THREAD_FINISHED');
    expect(types).toContain('VIDEO_CONSUMPTION_FINISHED');
    expect(types.filter((t) => t === 'INFERENCE_COMPLETED')).toHaveLength(30);
    const report = pipeline.report();
    expect(report.state).toBe('ENDED');
    expect(report.sources[0]).toMatchObject({ sourceId: 0, framesProcessed: 30, framesDropped: 0 });
    expect(report.sources[0].properties).toMatchObject({ width: 64, height: 48, isFile: true });
    expect(report.sources[0].latency.endToEndMs).toBeGreaterThan(0);
    expect(report.sources[0].latency.inferenceMs).not.toBeNull();
  });

  it('recycleFrames: the decoder refills buffers the sinks are done with, and every frame still arrives intact', async () => {
    /** Per frame: its buffer, and a checksum of its pixels taken while the sink has it. */
    const run = async (recycleFrames: boolean) => {
      const buffers = new Set<Uint8Array>();
      const sums: number[] = [];
      const pipeline = await InferencePipeline.init<string>({
        videoReference: long,
        onVideoFrame: label,
        recycleFrames,
        sourceOptions: { bufferSize: 2 },
        onPrediction: (_, frames) => {
          for (const f of frames) {
            if (!f) continue;
            buffers.add(f.image.data);
            let sum = 0;
            for (let i = 0; i < f.image.data.length; i += 7) sum = (sum * 31 + f.image.data[i]) >>> 0;
            sums.push(sum);
          }
        },
      });
      await pipeline.start();
      await pipeline.join();
      return { buffers: buffers.size, sums };
    };
    const fresh = await run(false);
    const recycled = await run(true);
    expect(fresh.buffers).toBe(200);
    // a handful in flight (buffer, batch, spares), not one per frame
    expect(recycled.buffers).toBeLessThan(20);
    expect(recycled.sums).toEqual(fresh.sums);
  });

  it('batches several sources into lists aligned to source order', async () => {
    const sink = memorySink<string>({ size: 1000 });
    const batchSizes: number[] = [];
    const pipeline = await InferencePipeline.init<string>({
      videoReference: [short, long],
      onVideoFrame: (frames) => {
        batchSizes.push(frames.length);
        return label(frames);
      },
      onPrediction: sink,
      closeSinks: false,
    });
    await pipeline.start();
    await pipeline.join();
    const perSource = [0, 0];
    for (let b = sink.consume(); b; b = sink.consume()) {
      expect(b.frames).toHaveLength(2);
      b.frames.forEach((f, i) => {
        if (!f) {
          expect(b.predictions[i]).toBeNull();
          return;
        }
        expect(f.sourceId).toBe(i);
        expect(b.predictions[i]).toBe(`${i}:${f.frameId}`);
        perSource[i]++;
      });
    }
    expect(perSource).toEqual([30, 200]);
    expect(Math.max(...batchSizes)).toBe(2); // the model saw both sources in one call
  });

  it('a sink failing now and then neither stops the pipeline nor the other sinks', async () => {
    const events: StatusEvent[] = [];
    const good = memorySink<string>({ size: 100 });
    const pipeline = await InferencePipeline.init<string>({
      videoReference: short,
      onVideoFrame: label,
      onPrediction: [
        (_p, frames) => {
          // every other frame: never two failures in a row, so the error limit is never reached
          if ((frames[0]?.frameId ?? 0) % 2 === 1) throw new Error('sink exploded');
        },
        good,
      ],
      onStatusUpdate: (e) => events.push(e),
      closeSinks: false,
    });
    await pipeline.start();
    await pipeline.join();
    expect(good.length).toBe(30);
    const errors = events.filter((e) => e.type === 'INFERENCE_RESULTS_DISPATCHING_ERROR');
    expect(errors).toHaveLength(15);
    expect(errors[0]).toMatchObject({
      severity: 'error',
      payload: { error_message: 'sink exploded', error_context: 'sink 0', error_type: 'Error' },
    });
    expect(pipeline.report().sinkErrors).toBe(15);
    expect(pipeline.state).toBe('ENDED');
  });

  it('a failing handler batch is reported and skipped', async () => {
    const events: StatusEvent[] = [];
    const got: string[] = [];
    const pipeline = await InferencePipeline.init<string>({
      videoReference: short,
      onVideoFrame: (frames) => {
        if (frames[0].frameId === 3) throw new Error('bad batch');
        return label(frames);
      },
      onPrediction: (p) => {
        got.push(p[0]!);
      },
      onStatusUpdate: (e) => events.push(e),
    });
    await pipeline.start();
    await pipeline.join();
    expect(got).toHaveLength(29);
    expect(got).not.toContain('0:3');
    expect(events.find((e) => e.type === 'INFERENCE_ERROR')?.payload.error_message).toBe('bad batch');
    // the lost frame counts as a drop: processed + dropped = frames read
    expect(events.find((e) => e.type === 'FRAMES_DISCARDED')?.payload).toMatchObject({
      cause: 'inference_error',
      frames_ids: [3],
    });
    const [source] = pipeline.report().sources;
    expect(source.framesProcessed).toBe(29);
    expect(source.framesDropped).toBe(1);
  });

  it('pause stops consumption and resume continues without loss; works before start too', async () => {
    let processed = 0;
    let pipeline!: InferencePipeline<string>;
    pipeline = await InferencePipeline.init<string>({
      videoReference: long,
      onVideoFrame: label,
      sourceOptions: { bufferSize: 2 },
      predictionsQueueSize: 1,
      onPrediction: () => {
        processed++;
        if (processed === 5) pipeline.pause();
      },
    });
    pipeline.mute(); // before start: remembered, then undone
    pipeline.resume();
    await pipeline.start();
    await waitFor(() => pipeline.state === 'PAUSED' && pipeline.sources[0].state === 'PAUSED', 'paused');
    // the few frames already buffered or in flight drain through the sinks, then nothing is read
    await waitFor(() => {
      const s = pipeline.sources[0].stats();
      return s.bufferedFrames === 0 && s.framesDelivered === processed;
    }, 'buffered frames to drain');
    expect(processed).toBeLessThan(200);
    pipeline.resume();
    expect(pipeline.state).toBe('RUNNING');
    await pipeline.join();
    expect(processed).toBe(200);
    expect(pipeline.report().sources[0].framesDropped).toBe(0);
  });

  it('mute drops frames while muted; resume brings them back', async () => {
    let processed = 0;
    let pipeline!: InferencePipeline<string>;
    pipeline = await InferencePipeline.init<string>({
      videoReference: long,
      onVideoFrame: label,
      sourceOptions: { bufferSize: 2 },
      onPrediction: () => {
        processed++;
        if (processed === 5) pipeline.mute();
      },
    });
    await pipeline.start();
    await waitFor(() => pipeline.sources[0].stats().droppedWhileMuted >= 10, 'muted drops');
    expect(pipeline.state).toBe('MUTED');
    pipeline.resume();
    await pipeline.join();
    const muted = pipeline.sources[0].stats().droppedWhileMuted;
    expect(muted).toBeGreaterThanOrEqual(10);
    expect(processed + muted).toBe(200);
    expect(pipeline.report().sources[0].framesDropped).toBe(muted);
  });

  it('terminate from running returns, reaps ffmpeg and ends join()', async () => {
    const endless = makeVideo('endless.mp4', 3000, 100);
    let processed = 0;
    const pipeline = await InferencePipeline.init<string>({
      videoReference: endless,
      onVideoFrame: label,
      onPrediction: () => {
        processed++;
      },
    });
    await pipeline.start();
    await waitFor(() => processed >= 3, 'first frames');
    const pid = pipeline.sources[0].decoderPid;
    expect(isAlive(pid)).toBe(true);
    await pipeline.terminate();
    expect(pipeline.state).toBe('ENDED');
    expect(isAlive(pid)).toBe(false);
    await pipeline.join();
    expect(processed).toBeLessThan(3000);
    // every control still works (as a no-op) once ended
    pipeline.pause();
    pipeline.mute();
    pipeline.resume();
    await pipeline.terminate();
    await expect(pipeline.start()).rejects.toMatchObject({ code: 'PIPE_ERR_STATE' });
  });

  it('terminate is bounded even when a sink never returns', async () => {
    let calls = 0;
    const pipeline = await InferencePipeline.init<string>({
      videoReference: long,
      onVideoFrame: label,
      terminateTimeoutMs: 200,
      onPrediction: () => {
        calls++;
        return new Promise<void>(() => {}); // hangs forever
      },
    });
    await pipeline.start();
    await waitFor(() => calls === 1, 'the sink to be called');
    const pid = pipeline.sources[0].decoderPid;
    await pipeline.terminate();
    await pipeline.join();
    expect(pipeline.state).toBe('ENDED');
    expect(calls).toBe(1);
    expect(isAlive(pid)).toBe(false);
    expect(pipeline.report().recentEvents.some((e) => e.severity === 'warning')).toBe(true);
  });

  it('tracks custom detections per source and writes an annotated video that is closed at the end', async () => {
    const out = join(dir, 'tracked.mp4');
    const sink = videoFileSink(out);
    const ids: number[] = [];
    const pipeline = await InferencePipeline.init<{ detections: Detections }>({
      videoReference: short,
      // one object sliding right, 2 px per frame
      onVideoFrame: (frames) =>
        frames.map((f) => ({
          detections: new Detections({
            xyxy: Float32Array.of(2 + 2 * f.frameId, 10, 20 + 2 * f.frameId, 30),
            confidence: Float32Array.of(0.9),
            classId: Int32Array.of(0),
          }),
        })),
      track: true,
      onPrediction: [
        sink,
        ([p]) => {
          ids.push(...Array.from(p!.detections.trackerId!));
        },
      ],
    });
    await pipeline.start();
    await pipeline.join();
    expect(ids).toEqual(new Array(30).fill(1));
    const probe = execFileSync('ffprobe', [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,nb_read_frames',
      '-of',
      'csv=p=0',
      out,
    ])
      .toString()
      .trim();
    expect(probe).toBe('64,48,30');
  });

  describe('terminate while connecting', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    let port = 0;
    beforeAll(async () => {
      // Accepts connections and never answers: an RTSP client hangs in connect.
      server = createServer((s) => {
        sockets.add(s);
        s.on('error', () => {});
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    });

    it('ends promptly and leaves no decoder behind', async () => {
      const pipeline = await InferencePipeline.init<string>({
        videoReference: `rtsp://127.0.0.1:${port}/stream`,
        onVideoFrame: label,
        sourceOptions: { connectTimeoutMs: 60_000 },
      });
      const started = pipeline.start();
      await waitFor(() => sockets.size > 0, 'ffmpeg to connect');
      expect(pipeline.state).toBe('STARTING');
      expect(pipeline.sources[0].state).toBe('INITIALISING');
      const pid = pipeline.sources[0].decoderPid;
      await pipeline.terminate();
      await started;
      await pipeline.join();
      expect(pipeline.state).toBe('ENDED');
      expect(pipeline.sources[0].state).toBe('ENDED');
      expect(isAlive(pid)).toBe(false);
    });
  });

  it('start() rejects when no source can start, and the pipeline ends in ERROR', async () => {
    const notVideo = join(dir, 'not-a-video.mp4');
    writeFileSync(notVideo, 'hello');
    const events: StatusEvent[] = [];
    const pipeline = await InferencePipeline.init<string>({
      videoReference: notVideo,
      onVideoFrame: label,
      onStatusUpdate: (e) => events.push(e),
    });
    await expect(pipeline.start()).rejects.toBeInstanceOf(Error);
    await pipeline.join();
    expect(pipeline.state).toBe('ERROR');
    expect(events.some((e) => e.type === 'SOURCE_ERROR' && e.payload.source_id === 0)).toBe(true);
  });

  it('rejects bad options', async () => {
    await expect(InferencePipeline.init({ videoReference: short })).rejects.toMatchObject({
      code: 'PIPE_ERR_INVALID_OPTION',
    });
    await expect(InferencePipeline.init({ videoReference: [], onVideoFrame: label })).rejects.toMatchObject({
      code: 'PIPE_ERR_INVALID_OPTION',
    });
    await expect(
      InferencePipeline.init({ videoReference: join(dir, 'missing.mp4'), onVideoFrame: label }),
    ).rejects.toMatchObject({ code: 'PIPE_ERR_SOURCE_NOT_FOUND' });
  });
});
