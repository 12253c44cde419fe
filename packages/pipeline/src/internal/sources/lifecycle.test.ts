import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, sharedMedia } from '../../../../../testing/shared.js';
import { eventLog, pidsMatching } from './test-support.js';
import { VideoSource } from './video-source.js';

// A TCP server that accepts connections and never answers: RTSP clients hang in DESCRIBE.
let silent: Server;
let silentPort = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  silent = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const addr = silent.address();
  silentPort = typeof addr === 'object' && addr ? addr.port : 0;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  await new Promise((r) => srv.close(r));
  return typeof addr === 'object' && addr ? addr.port : 0;
}

describe('terminate from every state', () => {
  it('terminates while connecting to an address that never answers, reaping ffmpeg', async () => {
    const marker = `never-answers-${randomUUID()}`;
    const log = eventLog();
    // timeouts and grace far beyond the test's limit: only terminate() itself can end this
    const source = await VideoSource.create(`rtsp://user:secret@127.0.0.1:${silentPort}/${marker}`, {
      connectTimeoutMs: 600_000,
      onEvent: log.onEvent,
      killGraceMs: 600_000,
    });
    const started = source.start();
    await log.waitFor((e) => e.type === 'state' && e.state === 'INITIALISING');
    // Wait until ffmpeg is really running (and hanging in DESCRIBE).
    while (pidsMatching(marker).length === 0) await new Promise((r) => setTimeout(r, 50));
    expect(pidsMatching(marker).length).toBe(1);
    expect(source.state).toBe('INITIALISING');
    await source.terminate();
    await started; // start() resolves when terminated meanwhile
    expect(source.state).toBe('ENDED');
    expect(pidsMatching(marker)).toEqual([]);
    expect(await source.read()).toBeNull();
    expect(JSON.stringify(log.events)).not.toContain('secret');
  });

  it('terminates while sleeping in back-off after the first connection failed', async () => {
    const marker = `backoff-${randomUUID()}`;
    const port = await closedPort();
    const log = eventLog();
    const source = await VideoSource.create(`rtsp://admin:hunter2@127.0.0.1:${port}/${marker}`, {
      // a back-off far beyond the test's limit: terminate() must cut the sleep short
      reconnect: { initialDelayMs: 600_000, maxDelayMs: 600_000 },
      onEvent: log.onEvent,
    });
    await source.start(); // resolves once back-off begins
    expect(source.state).toBe('RESTARTING');
    const reconnecting = await log.waitFor((e) => e.type === 'reconnecting');
    expect(reconnecting).toMatchObject({ attempt: 1, delayMs: 600_000, severity: 'warning' });
    const error = log.events.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error.code).toBe('PIPE_ERR_SOURCE_CONNECTION');
    await source.terminate();
    expect(source.state).toBe('ENDED');
    expect(pidsMatching(marker)).toEqual([]);
    const text = JSON.stringify(log.events.map((e) => (e.type === 'error' ? e.error.message : e)));
    expect(text).not.toContain('hunter2');
    expect(text).toContain('rtsp://***@127.0.0.1');
  });

  it('keeps retrying with growing back-off until terminated when failOnFirstConnect is false', async () => {
    const port = await closedPort();
    const log = eventLog();
    const source = await VideoSource.create(`rtsp://127.0.0.1:${port}/x`, {
      reconnect: { initialDelayMs: 20, factor: 2, maxDelayMs: 80 },
      onEvent: log.onEvent,
    });
    await source.start();
    await log.waitFor((e) => e.type === 'reconnecting' && e.attempt === 4);
    const delays = log.events.flatMap((e) => (e.type === 'reconnecting' ? [e.delayMs] : []));
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 80]);
    expect(source.stats().connectionFailures).toBeGreaterThanOrEqual(4);
    await source.terminate();
    expect(source.state).toBe('ENDED');
  });

  it('fails start() with a redacted error when failOnFirstConnect is true', async () => {
    const port = await closedPort();
    const source = await VideoSource.create(`rtsp://bob:pa55@127.0.0.1:${port}/x`, {
      failOnFirstConnect: true,
    });
    const err = await source.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'PIPE_ERR_SOURCE_CONNECTION' });
    expect((err as Error).message).not.toContain('pa55');
    expect(source.state).toBe('ERROR');
    expect(await source.read()).toBeNull();
    await source.terminate();
    expect(source.state).toBe('ERROR');
  });

  it('terminates from NOT_STARTED and twice in a row', async () => {
    const source = await VideoSource.create(`rtsp://127.0.0.1:${silentPort}/x`);
    await source.terminate();
    await source.terminate();
    expect(source.state).toBe('ENDED');
    await expect(source.start()).rejects.toMatchObject({ code: 'PIPE_ERR_STATE' });
  });

  it.skipIf(!HAS_SHARED)('terminates RUNNING, PAUSED and MUTED file sources, reaping ffmpeg', async () => {
    for (const action of ['none', 'pause', 'mute'] as const) {
      const source = await VideoSource.create(sharedMedia('example_video.mp4'), { bufferSize: 2 });
      await source.start();
      await source.read();
      const pid = source.decoderPid;
      expect(pid).toBeGreaterThan(0);
      if (action === 'pause') source.pause();
      if (action === 'mute') source.mute();
      const pending = source.read(); // a reader waiting when terminate comes gets null or a frame, never hangs
      await source.terminate();
      await pending;
      expect(source.state).toBe('ENDED');
      expect(() => process.kill(pid!, 0)).toThrow(); // the process is gone (reaped)
    }
  });
});

describe('terminate while a producer never delivers its first frame', () => {
  // before the fix terminate() never settled: the test's own time limit is the check
  it('returns and ends the source', { timeout: 10_000 }, async () => {
    // a camera SDK stuck before its first frame: the pull never settles and ignores any signal
    const producer = async () => new Promise<never>(() => {});
    const log = eventLog();
    const source = await VideoSource.create(producer, { onEvent: log.onEvent });
    const starting = source.start().catch(() => undefined);
    await log.waitFor((e) => e.type === 'state' && e.state === 'INITIALISING');
    await source.terminate();
    expect(source.state).toBe('ENDED');
    await starting;
  });
});
