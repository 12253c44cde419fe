import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_RTSP_SERVER, type RtspServer, startRtspServer } from '../../../../testing/rtsp.js';
import { HAS_SHARED, sharedMedia } from '../../../../testing/shared.js';
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

  it('receives live frames, reconnects after the publisher dies, and keeps frame ids increasing', async () => {
    const video = sharedMedia('example_video.mp4');
    let publisher = await server.publish(video, { path: 'cam', loop: true });
    const log = eventLog();
    const source = await VideoSource.create(server.url('cam'), {
      rtspTransport: 'udp',
      stallTimeoutMs: 1500,
      reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
      onEvent: log.onEvent,
    });
    await source.start();
    expect(source.live).toBe(true);
    expect(source.fillingStrategy).toBe('DROP_OLDEST');
    expect(source.consumptionStrategy).toBe('EAGER');
    expect(source.properties).toMatchObject({ width: 426, height: 240, isFile: false });
    const before: number[] = [];
    while (before.length < 10) {
      const frame = await source.read();
      expect(frame).not.toBeNull();
      expect(frame!.isFile).toBe(false);
      expect(Math.abs(frame!.frameTimestamp - Date.now())).toBeLessThan(5000); // wall clock
      before.push(frame!.frameId);
    }
    const pid = source.decoderPid!;
    await publisher.stop();
    await log.waitFor((e) => e.type === 'reconnecting');
    publisher = await server.publish(video, { path: 'cam', loop: true });
    await log.waitFor((e) => e.type === 'connected' && e.reconnection);
    const after: number[] = [];
    while (after.length < 5) after.push((await source.read())!.frameId);
    expect(after[0]).toBeGreaterThan(before[before.length - 1]);
    expect([...before, ...after].every((id, i, all) => i === 0 || id > all[i - 1])).toBe(true);
    expect(source.stats().reconnections).toBe(1);
    expect(source.decoderPid).not.toBe(pid);
    await source.terminate();
    expect(pidsMatching(server.url('cam'))).toEqual([]);
    await publisher.stop();
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
