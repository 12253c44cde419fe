import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceHTTPClient } from '@inference-ts/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeRoboflow, startFakeRoboflow } from '../../../testing/fake-roboflow.js';
import { cocoNames, HAS_SHARED, sharedMedia, sharedModel } from '../../../testing/shared.js';
import { buildServer } from '../src/server.js';

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
