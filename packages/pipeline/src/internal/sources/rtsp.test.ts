import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_RTSP_SERVER, type RtspServer, startRtspServer } from '../../../../../testing/rtsp.js';
import { HAS_SHARED, sharedMedia } from '../../../../../testing/shared.js';
import { eventLog, pidsMatching } from './test-support.js';
import { VideoSource } from './video-source.js';

describe.skipIf(!HAS_RTSP_SERVER || !HAS_SHARED)('RTSP from a real server (UDP transport)', () => {
  let server: RtspServer;
  beforeAll(async () => {
    server = await startRtspServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('receives live frames, notices a dead publisher from its frame pace, reconnects, and keeps frame ids increasing', async () => {
    const video = sharedMedia('example_video.mp4');
    let publisher = await server.publish(video, { path: 'cam', loop: true });
    const log = eventLog();
    const startedAt = Date.now();
    const source = await VideoSource.create(server.url('cam'), {
      rtspTransport: 'udp',
      // far beyond the test's life: only the adaptive limit (or ffmpeg exiting) can end the connection
      stallTimeoutMs: 600_000,
      connectTimeoutMs: 600_000,
      reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
      onEvent: log.onEvent,
    });
    await source.start();
    expect(source.live).toBe(true);
    expect(source.fillingStrategy).toBe('DROP_OLDEST');
    expect(source.consumptionStrategy).toBe('EAGER');
    expect(source.properties).toMatchObject({ width: 426, height: 240, isFile: false });
    const before: number[] = [];
    while (before.length < 20) {
      const frame = await source.read();
      expect(frame).not.toBeNull();
      expect(frame!.isFile).toBe(false);
      // wall clock at decode, not the file's pts
      expect(frame!.frameTimestamp).toBeGreaterThanOrEqual(startedAt);
      expect(frame!.frameTimestamp).toBeLessThanOrEqual(Date.now());
      before.push(frame!.frameId);
    }
    // wait on state: the connection in use is the one whose pid we note
    await log.waitFor((e) => e.type === 'state' && e.state === 'RUNNING');
    const pid = source.decoderPid!;
    const outage = log.mark();
    await publisher.stop();
    // the silent connection is ended by the adaptive stall limit, not by the (huge) fixed timeout
    const stalled = await log.waitFor((e) => e.type === 'error' && e.context === 'decode', outage);
    expect(stalled).toMatchObject({
      error: { code: 'PIPE_ERR_SOURCE_STALLED', details: { adaptive: true } },
    });
    const reconnecting = await log.waitFor((e) => e.type === 'reconnecting', outage);
    expect(reconnecting).toMatchObject({ reason: expect.stringMatching(/adaptive limit/) });
    expect(source.state).not.toBe('RUNNING');
    publisher = await server.publish(video, { path: 'cam', loop: true });
    await log.waitFor((e) => e.type === 'connected' && e.reconnection, outage);
    const after: number[] = [];
    while (after.length < 5) after.push((await source.read())!.frameId);
    expect(after[0]).toBeGreaterThan(before[before.length - 1]);
    expect([...before, ...after].every((id, i, all) => i === 0 || id > all[i - 1])).toBe(true);
    expect(source.stats().reconnections).toBeGreaterThanOrEqual(1);
    expect(source.decoderPid).not.toBe(pid);
    await source.terminate();
    expect(pidsMatching(server.url('cam'))).toEqual([]);
    await publisher.stop();
  });

  it('a blocked event loop is not taken for a dead stream', async () => {
    const publisher = await server.publish(sharedMedia('example_video.mp4'), { path: 'busy', loop: true });
    const log = eventLog();
    const source = await VideoSource.create(server.url('busy'), {
      rtspTransport: 'udp',
      stallTimeoutMs: 600_000,
      connectTimeoutMs: 600_000,
      onEvent: log.onEvent,
    });
    await source.start();
    for (let i = 0; i < 20; i++) expect(await source.read()).not.toBeNull(); // the pace is known
    const mark = log.mark();
    // hold the event loop far past the adaptive limit (about 1 s here) while frames keep coming
    const until = performance.now() + 2500;
    while (performance.now() < until) {
      // busy: like a long synchronous computation in the application
    }
    for (let i = 0; i < 10; i++) expect(await source.read()).not.toBeNull();
    expect(log.events.slice(mark).filter((e) => e.type === 'reconnecting' || e.type === 'error')).toEqual([]);
    expect(source.stats().reconnections).toBe(0);
    await source.terminate();
    await publisher.stop();
  });

  it('terminates from the stalled state without waiting for the kill grace or the stall timeout', async () => {
    const publisher = await server.publish(sharedMedia('example_video.mp4'), { path: 'gone', loop: true });
    const log = eventLog();
    const source = await VideoSource.create(server.url('gone'), {
      rtspTransport: 'udp',
      adaptiveStall: false,
      stallTimeoutMs: 600_000,
      connectTimeoutMs: 600_000,
      // ffmpeg blocked on a silent network read ignores one SIGTERM; only the second one (sent
      // at once by stop()) ends it before this grace would send SIGKILL, long after the test's end
      killGraceMs: 600_000,
      onEvent: log.onEvent,
    });
    await source.start();
    for (let i = 0; i < 5; i++) expect(await source.read()).not.toBeNull();
    const pid = source.decoderPid!;
    await publisher.stop();
    const reading = source.read(); // a frame still buffered, or blocked: nothing more will come
    await source.terminate();
    await reading;
    expect(await source.read()).toBeNull();
    expect(source.state).toBe('ENDED');
    expect(log.events.some((e) => e.type === 'reconnecting')).toBe(false);
    expect(pidsMatching(server.url('gone'))).toEqual([]);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('drops frames above maxFps on a live stream and counts them', async () => {
    const publisher = await server.publish(sharedMedia('example_video.mp4'), { path: 'slow', loop: true });
    const source = await VideoSource.create(server.url('slow'), { rtspTransport: 'udp', maxFps: 5 });
    await source.start();
    for (let i = 0; i < 5; i++) await source.read();
    const stats = source.stats();
    expect(stats.droppedByRateLimit).toBeGreaterThan(0);
    expect(stats.framesDecoded).toBeGreaterThan(stats.framesDelivered);
    await source.terminate();
    await publisher.stop();
  });
});
