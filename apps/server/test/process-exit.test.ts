import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildServer, runningRequests, startChildServer, waitFor } from './child-server.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from './helpers.js';

/**
 * Exits of the real process with inference in flight: a second signal, and
 * the SHUTDOWN_TIMEOUT_MS deadline. The shared YOLOv8n has a static batch of
 * 1, so a request of many images is many ONNX Runtime runs, spread over the
 * adaptive sessions' worker threads.
 */
describe.skipIf(!HAS_SHARED)('process exit with inference in flight', () => {
  if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
  let server: ChildServer | undefined;
  afterEach(() => server?.kill());

  const start = async (env: Record<string, string>) => {
    const s = await startChildServer({
      MODEL_ALIASES: `coco/3=${sharedModel('yolov8n_int8.onnx')}`,
      PRELOAD_MODELS: 'coco/3',
      ...env,
    });
    await waitFor(
      async () => (await fetch(`${s.url}/readiness`).catch(() => undefined))?.status === 200,
      'the preloaded model',
    );
    return s;
  };

  const batch = async (n: number) => {
    const dog = (await readFile(sharedMedia('dog.jpg'))).toString('base64');
    return JSON.stringify({
      model_id: 'coco/3',
      image: Array.from({ length: n }, () => ({ type: 'base64', value: dog })),
    });
  };

  const post = (url: string, body: string) =>
    fetch(`${url}/infer/object_detection`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    }).then(
      (r) => r.status,
      () => 'dropped' as const,
    );

  it('a second SIGTERM during inference exits at once with code 1, not SIGABRT', async () => {
    server = await start({});
    const s = server;
    const body = await batch(16);
    const requests = Array.from({ length: 4 }, () => post(s.url, body));
    await waitFor(async () => (await runningRequests(s.url)) >= 2, 'two requests running');
    s.child.kill('SIGTERM');
    await waitFor(() => /"msg":"shutting down"/.test(s.stdout()), 'the first signal handled');
    s.child.kill('SIGTERM');
    const exit = await s.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(s.stderr()).not.toMatch(/terminate called|Napi::Error/);
    expect(s.stdout()).toMatch(/second signal/);
    // the abandoned requests were cut off, not answered
    expect(await Promise.all(requests)).toContain('dropped');
  });

  it('the SHUTDOWN_TIMEOUT_MS deadline ends the process: abandoned inference does not hold the exit', async () => {
    server = await start({ SHUTDOWN_TIMEOUT_MS: '200', MODEL_CONCURRENCY: '8' });
    const s = server;
    const body = await batch(32);
    // baseline in this run: one whole request of 32 runs, alone
    const t0 = performance.now();
    expect(await post(s.url, body)).toBe(200);
    const oneRequestMs = performance.now() - t0;

    const requests = Array.from({ length: 6 }, () => post(s.url, body));
    await waitFor(async () => (await runningRequests(s.url)) >= 2, 'requests running');
    const signalled = performance.now();
    s.child.kill('SIGTERM');
    const exit = await s.exited;
    const afterSignalMs = performance.now() - signalled;
    expect(exit).toEqual({ code: 0, signal: null });
    // Sanity bound only: 6 requests' runs would take several times one request; the process waits for
    // at most the deadline plus the runs already inside ONNX Runtime (one per session).
    expect(afterSignalMs).toBeLessThan(200 + oneRequestMs);
    expect(s.stdout()).toMatch(/shutdown time limit reached/);
    expect(s.stderr()).not.toMatch(/terminate called|Napi::Error/);
    expect(await Promise.all(requests)).toContain('dropped');
  });
});
