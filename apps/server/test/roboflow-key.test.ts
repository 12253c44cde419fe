import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceHTTPClient } from '@inference-ts/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeRoboflow, startFakeRoboflow } from '../../../testing/fake-roboflow.js';
import { cocoNames, HAS_SHARED, sharedMedia, sharedModel } from '../../../testing/shared.js';
import { buildServer } from '../src/internal/server.js';

/**
 * A server with no Roboflow key of its own: the key a client sends (body,
 * query or Bearer header, as Roboflow's clients do) is what fetches the model
 * from the Roboflow API (a local fake speaking its wire format).
 */
describe.skipIf(!HAS_SHARED)("models fetched with the client's own Roboflow key", () => {
  let fake: FakeRoboflow;
  let root: string;
  let url: string;
  let app: Awaited<ReturnType<typeof buildServer>>;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'server-rf-'));
    fake = await startFakeRoboflow({
      models: {
        'coco/3': {
          onnxBytes: await readFile(sharedModel('yolov8n_int8.onnx')),
          environment: {
            PREPROCESSING: {
              resize: { enabled: true, width: 640, height: 640, format: 'Fit (grey edges) in' },
            },
          },
          classes: cocoNames(),
          modelType: 'yolov8n',
        },
      },
    });
    app = await buildServer({
      engineOptions: { cacheDir: join(root, 'cache'), apiBaseUrl: fake.url, allowHttp: true },
      logger: false,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app.close();
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });

  it('a wrong key is refused by the API (401); the right key in the body loads and infers', async () => {
    const bad = await fetch(`${url}/infer/object_detection`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model_id: 'coco/3',
        api_key: 'wrong',
        image: { type: 'base64', value: 'aGVsbG8=' },
      }),
    });
    expect(bad.status).toBe(401);
    const client = new InferenceHTTPClient({ apiUrl: url, apiKey: fake.apiKey });
    const r = (await client.infer(await readFile(sharedMedia('dog.jpg')), 'coco/3')) as {
      predictions: { class: string }[];
    };
    expect(r.predictions.map((p) => p.class)).toContain('dog');
    expect(fake.requests['/ort/coco/3']).toBe(2); // the refused attempt and the one that loaded
  });
});

describe.skipIf(!HAS_SHARED)('a preload that fails at start', () => {
  it('is retried, and readiness turns 200 once the Roboflow API is reachable', {
    timeout: 30_000,
  }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'server-preload-'));
    // a free port where, at first, nothing listens: the API is "down"
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const app = await buildServer({
      engineOptions: {
        cacheDir: join(root, 'cache'),
        apiBaseUrl: `http://127.0.0.1:${port}`,
        apiKey: 'k',
        allowHttp: true,
      },
      preloadModels: ['coco/3'],
      logger: false,
    });
    let fake: FakeRoboflow | undefined;
    try {
      await until(async () => (await app.inject({ method: 'GET', url: '/readiness' })).statusCode === 503);
      // the API comes back
      fake = await startFakeRoboflow({
        port,
        apiKey: 'k',
        models: {
          'coco/3': {
            onnxBytes: await readFile(sharedModel('yolov8n_int8.onnx')),
            environment: {
              PREPROCESSING: { resize: { enabled: true, width: 640, height: 640, format: 'Stretch to' } },
            },
            classes: cocoNames(),
            modelType: 'yolov8n',
          },
        },
      });
      await until(async () => (await app.inject({ method: 'GET', url: '/readiness' })).statusCode === 200);
    } finally {
      await app.close();
      await fake?.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 100));
}
