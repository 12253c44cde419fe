import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActiveLearning } from '@inference-ts/active-learning';
import { encodeImage } from '@inference-ts/core';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis } from '../../../packages/active-learning/test/redis.js';
import { type FakeRoboflow, startFakeRoboflow } from '../../../testing/fake-roboflow.js';
import { cocoNames, HAS_SHARED, sharedMedia, sharedModel } from '../../../testing/shared.js';
import { buildServer } from '../src/internal/server.js';
import { ServerActiveLearning } from '../src/internal/services/active-learning.js';
import { until } from './helpers.js';

const alConfig = (extra: Record<string, unknown> = {}) => ({
  enabled: true,
  persist_predictions: true,
  sampling_strategies: [{ name: 'all', type: 'random', traffic_percentage: 1, tags: ['s'] }],
  batching_strategy: { batches_name_prefix: 'srv', recreation_interval: 'never' },
  ...extra,
});
const fast = { baseDelayMs: 20, maxDelayMs: 200, pollMs: 50 };

describe('ServerActiveLearning.offer without decoded pixels (a scale-out front)', () => {
  it('registers from the request bytes; URL sources are not fetched again', async () => {
    const root = await mkdtemp(join(tmpdir(), 'server-al-offer-'));
    const al = await ActiveLearning.open({
      dir: join(root, 'state'),
      config: alConfig(),
      target: `dir:${join(root, 'ds')}`,
    });
    try {
      const registry = new Registry();
      const server = await ServerActiveLearning.create(
        { instance: al },
        pino({ level: 'silent' }),
        registry,
        undefined,
      );
      const jpeg = await encodeImage(
        { data: new Uint8Array(16 * 8 * 3).fill(90), width: 16, height: 8 },
        'jpeg',
        90,
      );
      const result = {
        task: 'object-detection',
        toJSON: () => ({ image: { width: 16, height: 8 }, predictions: [] }),
      };
      server?.offerRequest(
        'r1',
        {},
        {
          modelId: 'front/1',
          sources: [
            { kind: 'base64', value: jpeg.toString('base64') },
            { kind: 'url', value: 'https://example.com/x.jpg' },
          ],
          images: [],
          results: [result, result] as never,
        },
      );
      await al.idle();
      expect(al.counters.accepted).toBe(1);
      await al.flush();
      const coco = JSON.parse(
        await readFile(join(root, 'ds', 'front', 'srv', '_annotations.coco.json'), 'utf8'),
      );
      expect(coco.images[0]).toMatchObject({ width: 16, height: 8 });
      expect(await registry.metrics()).toMatch(
        /inference_active_learning_datapoints_total\{outcome="sampled"\} 1/,
      );
    } finally {
      await al.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!HAS_SHARED)('active learning on the inference routes', () => {
  let fake: FakeRoboflow;
  let root: string;
  let dog: string;
  const apps: Awaited<ReturnType<typeof buildServer>>[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'server-al-'));
    dog = (await readFile(sharedMedia('dog.jpg'))).toString('base64');
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
      activeLearning: {
        workspace: 'ws',
        projects: { coco: { config: alConfig() }, other: { config: alConfig() } },
      },
    });
  });
  afterAll(async () => {
    for (const a of apps) await a.close();
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });

  async function server(al: Record<string, unknown>) {
    const app = await buildServer({
      // the server's own key loads models for keyless requests; AL only ever uses the request's key
      engineOptions: {
        cacheDir: join(root, 'cache'),
        apiBaseUrl: fake.url,
        allowHttp: true,
        apiKey: fake.apiKey,
      },
      logger: false,
      activeLearning: { options: { dir: await mkdtemp(join(root, 'state-')), delivery: fast, ...al } },
    });
    apps.push(app);
    return app;
  }

  const infer = (app: Awaited<ReturnType<typeof buildServer>>, body: Record<string, unknown>, id?: string) =>
    app.inject({
      method: 'POST',
      url: '/infer/object_detection',
      headers: id ? { 'x-request-id': id } : {},
      payload: { model_id: 'coco/3', image: { type: 'base64', value: dog }, ...body },
    });

  it('v1 route with an api key: config from the API, image and annotation uploaded after the answer', async () => {
    const app = await server({});
    const before = fake.al.uploads.length;
    const res = await infer(app, { api_key: fake.apiKey }, 'req-al-1');
    expect(res.statusCode).toBe(200);
    await until(() => fake.al.uploads.length === before + 1, 'upload');
    const up = fake.al.uploads.at(-1);
    expect(up).toMatchObject({
      dataset: 'coco',
      batch: 'srv',
      inferenceId: 'req-al-1',
      tags: ['s', 'coco-3'],
    });
    await until(() => fake.al.annotations.some((a) => a.imageId === up?.id), 'annotation');
    const ann = JSON.parse(fake.al.annotations.find((a) => a.imageId === up?.id)?.body ?? '{}');
    expect(ann.predictions.map((p: { class: string }) => p.class)).toContain('dog');
    await until(() => app.services.activeLearning?.al.status().outbox.pending === 0, 'drained');
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/inference_active_learning_datapoints_total\{outcome="sampled"\} 1/);
    expect(metrics.body).toMatch(/inference_active_learning_datapoints_total\{outcome="delivered"\} 1/);
  });

  it('honours disable_active_learning, redirects with active_learning_target_dataset, skips keyless requests', async () => {
    const app = await server({});
    const al = app.services.activeLearning?.al;
    const uploads = fake.al.uploads.length;
    expect((await infer(app, { api_key: fake.apiKey, disable_active_learning: true })).statusCode).toBe(200);
    expect((await infer(app, {})).statusCode).toBe(200);
    await al?.idle();
    expect(al?.counters.sampled).toBe(0);
    expect(fake.al.uploads.length).toBe(uploads);
    expect(
      (await infer(app, { api_key: fake.apiKey, active_learning_target_dataset: 'other' })).statusCode,
    ).toBe(200);
    await until(() => fake.al.uploads.length === uploads + 1, 'redirected upload');
    expect(fake.al.uploads.at(-1)?.dataset).toBe('other');
  });

  it('the legacy route registers too', async () => {
    const app = await server({});
    // the same photo as before: the target answers duplicate, but the request reached it
    const uploads = fake.al.uploadRequests;
    const res = await app.inject({
      method: 'POST',
      url: `/coco/3?api_key=${fake.apiKey}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: dog,
    });
    expect(res.statusCode).toBe(200);
    await until(() => fake.al.uploadRequests === uploads + 1, 'legacy upload');
    const q = await app.inject({
      method: 'POST',
      url: `/coco/3?api_key=${fake.apiKey}&disable_active_learning=true`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: dog,
    });
    expect(q.statusCode).toBe(200);
    await app.services.activeLearning?.al.idle();
    expect(fake.al.uploadRequests).toBe(uploads + 1);
    expect(app.services.activeLearning?.al.counters.sampled).toBe(1);
  });

  it('a local config applies without an api key and fills a COCO folder', async () => {
    const folder = join(root, 'dataset');
    const app = await server({ config: alConfig(), target: `dir:${folder}` });
    expect((await infer(app, {})).statusCode).toBe(200);
    await app.services.activeLearning?.al.idle();
    await app.services.activeLearning?.al.flush();
    const coco = JSON.parse(await readFile(join(folder, 'coco', 'srv', '_annotations.coco.json'), 'utf8'));
    expect(coco.images).toHaveLength(1);
    expect(coco.images[0]).toMatchObject({ width: 768, height: 576 });
    expect(coco.categories.map((c: { name: string }) => c.name)).toContain('dog');
  });

  it('a state directory that cannot be opened leaves the server serving without AL', async () => {
    const file = join(root, 'not-a-dir');
    await writeFile(file, 'x');
    const app = await buildServer({
      engineOptions: { cacheDir: join(root, 'cache'), apiBaseUrl: fake.url, allowHttp: true },
      logger: false,
      activeLearning: { options: { dir: join(file, 'state') } },
    });
    apps.push(app);
    expect(app.services.activeLearning).toBeUndefined();
    expect((await infer(app, { api_key: fake.apiKey })).statusCode).toBe(200);
  });

  it('a malformed local config refuses to start, naming the key', async () => {
    await expect(
      buildServer({
        logger: false,
        activeLearning: {
          options: { dir: join(root, 'bad-config'), config: { ...alConfig(), jpeg_compression_level: 0 } },
        },
      }),
    ).rejects.toMatchObject({ code: 'AL_ERR_CONFIG_INVALID', path: 'jpeg_compression_level' });
  });

  it('with a Redis URL, limits are shared by every server on it', async () => {
    const redis = await startRedis();
    try {
      const limited = alConfig({
        sampling_strategies: [
          { name: 'one', type: 'random', traffic_percentage: 1, limits: [{ type: 'daily', value: 1 }] },
        ],
      });
      const make = async () => {
        const app = await buildServer({
          engineOptions: { cacheDir: join(root, 'cache'), apiBaseUrl: fake.url, allowHttp: true },
          logger: false,
          activeLearning: {
            redisUrl: `redis://127.0.0.1:${redis.port}`,
            options: {
              dir: await mkdtemp(join(root, 'redis-state-')),
              config: limited,
              target: `dir:${join(root, 'redis-ds')}`,
            },
          },
        });
        apps.push(app);
        return app;
      };
      const a = await make();
      const b = await make();
      for (const app of [a, b]) expect((await infer(app, { api_key: fake.apiKey })).statusCode).toBe(200);
      await a.services.activeLearning?.al.idle();
      await b.services.activeLearning?.al.idle();
      const counts = [a, b].map((app) => app.services.activeLearning?.al.counters);
      expect((counts[0]?.accepted ?? 0) + (counts[1]?.accepted ?? 0)).toBe(1);
      expect((counts[0]?.limited ?? 0) + (counts[1]?.limited ?? 0)).toBe(1);
      await a.close();
      await b.close();
    } finally {
      await redis.stop();
    }
  });

  it('ACTIVE_LEARNING_ENABLED=false (enabled: false) opens nothing', async () => {
    const app = await buildServer({
      engineOptions: { cacheDir: join(root, 'cache'), apiBaseUrl: fake.url, allowHttp: true },
      logger: false,
      activeLearning: { enabled: false, options: { dir: join(root, 'never') } },
    });
    apps.push(app);
    expect(app.services.activeLearning).toBeUndefined();
  });
});
