import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, sharedMedia } from '../../../../../testing/shared.js';
import type { VideoFrame } from '../types.js';
import { eventLog } from './test-support.js';
import { VideoSource } from './video-source.js';

/** Poll until `cond` holds (waiting on state; the test's own time limit bounds it). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

async function readAll(source: VideoSource): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for await (const frame of source) frames.push(frame);
  return frames;
}

describe.skipIf(!HAS_SHARED)('file sources', () => {
  it('delivers every frame of a file once, with ids 1..N (as Roboflow numbers them) and pts-based timestamps', async () => {
    const log = eventLog();
    const source = await VideoSource.create(sharedMedia('example_video.mp4'), {
      onEvent: log.onEvent,
      sourceId: 3,
    });
    expect(source.state).toBe('NOT_STARTED');
    await source.start();
    expect(source.properties).toMatchObject({
      width: 426,
      height: 240,
      fps: 30,
      totalFrames: 431,
      isFile: true,
    });
    expect(source.fillingStrategy).toBe('WAIT');
    expect(source.consumptionStrategy).toBe('LAZY');
    const frames = await readAll(source);
    expect(frames.length).toBe(431);
    expect(frames.map((f) => f.frameId)).toEqual(Array.from({ length: 431 }, (_, i) => i + 1));
    const first = frames[0];
    expect(first.image.width).toBe(426);
    expect(first.image.data.length).toBe(426 * 240 * 3);
    expect(first.sourceId).toBe(3);
    expect(first.isFile).toBe(true);
    expect(frames[30].ptsSec).toBeCloseTo(1, 6);
    expect(frames[30].frameTimestamp - first.frameTimestamp).toBeCloseTo(1000, 3);
    // Frames are distinct buffers with real content (not all black, not shared).
    expect(frames[0].image.data).not.toBe(frames[1].image.data);
    expect(frames[100].image.data.some((v) => v > 0)).toBe(true);
    expect(source.state).toBe('ENDED');
    const stats = source.stats();
    expect(stats).toMatchObject({
      framesDecoded: 431,
      framesDelivered: 431,
      droppedByBuffer: 0,
      droppedByRateLimit: 0,
    });
    expect(log.events.some((e) => e.type === 'ended')).toBe(true);
    expect(
      log.events.filter((e) => e.type === 'state').map((e) => (e.type === 'state' ? e.state : '')),
    ).toEqual(['INITIALISING', 'RUNNING', 'ENDED']);
    await source.terminate();
    expect(source.state).toBe('ENDED');
  });

  it('scales to a requested size', async () => {
    const source = await VideoSource.create(sharedMedia('test_video.mp4'), {
      size: { width: 64, height: 48 },
    });
    await source.start();
    const frames = await readAll(source);
    expect(frames.length).toBe(10);
    expect(
      frames.every(
        (f) => f.image.width === 64 && f.image.height === 48 && f.image.data.length === 64 * 48 * 3,
      ),
    ).toBe(true);
    expect(source.properties).toMatchObject({ width: 640, height: 480, totalFrames: 10 });
    await source.terminate();
  });

  it('paces a file to maxFps without dropping a frame', async () => {
    const source = await VideoSource.create(sharedMedia('test_video.mp4'), { maxFps: 20 });
    await source.start();
    const t0 = performance.now();
    const frames = await readAll(source);
    const elapsed = performance.now() - t0;
    expect(frames.length).toBe(10);
    expect(source.stats().droppedByRateLimit).toBe(0);
    // 10 frames at 20 fps: 9 intervals of 50 ms at least (a lower bound, never flaky).
    expect(elapsed).toBeGreaterThanOrEqual(9 * 50 - 5);
    await source.terminate();
  });

  it('WAIT applies back-pressure: a slow consumer loses nothing and the buffer stays bounded', async () => {
    const source = await VideoSource.create(sharedMedia('example_video.mp4'), { bufferSize: 4 });
    await source.start();
    let maxBuffered = 0;
    let count = 0;
    for (let i = 0; i < 20; i++) {
      const frame = await source.read();
      expect(frame?.frameId).toBe(i + 1);
      count++;
      await new Promise((r) => setTimeout(r, 10));
      maxBuffered = Math.max(maxBuffered, source.stats().bufferedFrames);
    }
    // Decoded = delivered + buffered (+1 possibly in flight): ffmpeg is held back, not drained.
    const stats = source.stats();
    expect(maxBuffered).toBeLessThanOrEqual(4);
    expect(stats.framesDecoded).toBeLessThanOrEqual(count + 4 + 1);
    expect(stats.droppedByBuffer).toBe(0);
    await source.terminate();
    expect(source.stats().droppedByBuffer).toBeGreaterThan(0); // purged on terminate, and counted
  });

  it('DROP_OLDEST with a slow consumer keeps only fresh frames and counts every drop', async () => {
    const log = eventLog();
    const source = await VideoSource.create(sharedMedia('example_video.mp4'), {
      fillingStrategy: 'DROP_OLDEST',
      consumptionStrategy: 'LAZY',
      bufferSize: 2,
      onEvent: log.onEvent,
    });
    await source.start();
    const first = await source.read();
    // the decoder runs ahead of this idle reader, dropping the oldest frames
    await until(() => source.stats().droppedByBuffer > 5);
    const later = await source.read();
    expect(later!.frameId - first!.frameId).toBeGreaterThan(5);
    const rest: VideoFrame[] = [];
    for await (const f of source) rest.push(f);
    const stats = source.stats();
    expect(stats.framesDecoded).toBe(431);
    expect(stats.droppedByBuffer).toBeGreaterThan(0);
    expect(stats.framesDelivered + stats.droppedByBuffer).toBe(431);
    const dropEvents = log.events.filter((e) => e.type === 'frame_dropped');
    expect(dropEvents.length).toBe(stats.droppedByBuffer);
    await source.terminate();
  });

  it('EAGER consumption returns the newest frame and reports the skipped ones', async () => {
    const source = await VideoSource.create(sharedMedia('example_video.mp4'), {
      consumptionStrategy: 'EAGER',
      bufferSize: 8,
    });
    await source.start();
    await until(() => source.stats().bufferedFrames === 8);
    const frame = await source.read();
    expect(frame!.frameId).toBe(8); // the buffer was full (ids 1..8): the newest wins
    expect(source.stats().droppedByBuffer).toBe(7);
    await source.terminate();
  });

  it('pause stops reading, mute reads and drops, resume continues', async () => {
    const source = await VideoSource.create(sharedMedia('example_video.mp4'), { bufferSize: 2 });
    await source.start();
    const a = await source.read();
    expect(a!.frameId).toBe(1);
    source.pause();
    expect(source.state).toBe('PAUSED');
    const decodedAtPause = source.stats().framesDecoded;
    await new Promise((r) => setTimeout(r, 200));
    expect(source.stats().framesDecoded).toBeLessThanOrEqual(decodedAtPause + 1);
    source.mute();
    expect(source.state).toBe('MUTED');
    await until(() => source.stats().droppedWhileMuted > 0);
    const muted = source.stats().droppedWhileMuted;
    source.resume();
    expect(source.state).toBe('RUNNING');
    const ids = [a!.frameId];
    for await (const f of source) ids.push(f.frameId);
    // Every frame is either delivered or dropped while muted; ids stay increasing across the gap.
    expect(ids.length + muted).toBe(431);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
    expect(ids[ids.length - 1]).toBe(431);
    await source.terminate();
    expect(() => source.resume()).toThrow(expect.objectContaining({ code: 'PIPE_ERR_STATE' }));
  });
});

describe('file source errors', () => {
  it('rejects a missing file with PIPE_ERR_SOURCE_NOT_FOUND', async () => {
    await expect(VideoSource.create('/nonexistent/video.mp4')).rejects.toMatchObject({
      code: 'PIPE_ERR_SOURCE_NOT_FOUND',
    });
  });

  it('rejects bad options', async () => {
    await expect(VideoSource.create('/x.mp4', { maxFps: 0 })).rejects.toMatchObject({
      code: 'PIPE_ERR_INVALID_OPTION',
    });
    await expect(VideoSource.create('/x.mp4', { decoderThreads: 0 })).rejects.toMatchObject({
      code: 'PIPE_ERR_INVALID_OPTION',
    });
  });

  it('decodes a small file on one ffmpeg thread unless told otherwise', async () => {
    /** The `-threads` value of the running decoder's command line, if any. */
    const threadsOf = async (options: { decoderThreads?: number | 'auto' }) => {
      const source = await VideoSource.create(sharedMedia('example_video.mp4'), options);
      await source.start();
      try {
        const argv = readFileSync(`/proc/${source.decoderPid}/cmdline`, 'utf8').split('\0');
        const i = argv.indexOf('-threads');
        expect(i < 0 || i < argv.indexOf('-i')).toBe(true); // an input (decoder) option
        return i < 0 ? undefined : argv[i + 1];
      } finally {
        await source.terminate();
      }
    };
    expect(await threadsOf({})).toBe('1'); // 426x240
    expect(await threadsOf({ decoderThreads: 'auto' })).toBeUndefined();
    expect(await threadsOf({ decoderThreads: 3 })).toBe('3');
  });
});
