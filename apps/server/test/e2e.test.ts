import { readFile } from 'node:fs/promises';
import { HTTPCallError, InferenceHTTPClient } from '@inference-ts/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeGracefully } from '../src/internal/server.js';
import {
  GatedEngine,
  HAS_SHARED,
  SHARED_SKIP_REASON,
  sharedMedia,
  testEngineOptions,
  testServer,
  until,
} from './helpers.js';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe.skipIf(!HAS_SHARED)('the SDK against a real server on a loopback port', () => {
  if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
  let app: FastifyInstance;
  let url: string;
  let dog: Buffer;
  let text: Buffer;
  beforeAll(async () => {
    app = await testServer({ preloadModels: ['coco/3'] });
    url = await listen(app);
    dog = await readFile(sharedMedia('dog.jpg'));
    text = await readFile(sharedMedia('multi_line_text.jpg'));
  });
  afterAll(() => app.close());

  it('server state: info, health, readiness once the preloaded model is warm', async () => {
    const c = new InferenceHTTPClient({ apiUrl: url });
    expect(await c.getServerInfo()).toMatchObject({ version: '0.1.0' });
    expect(await c.health()).toEqual({ status: 'healthy' });
    await until(() => app.services.models.ready, 'preload');
    expect(await c.readiness()).toEqual({ status: 'ready' });
  });

  it('v1: infer one image and a list; the meta carries our headers', async () => {
    const c = new InferenceHTTPClient({ apiUrl: url }).configure({ confidenceThreshold: 0.5 });
    const one = await c.inferWithMeta(sharedMedia('dog.jpg'), 'coco/3');
    const r = one.result as { predictions: { class: string }[]; image: { width: number } };
    expect(r.predictions.map((p) => p.class)).toContain('dog');
    expect(r.image.width).toBe(768);
    expect(one.meta[0]).toMatchObject({ status: 200, modelIds: ['coco/3'], coldStart: false });
    expect(one.meta[0].processingTime).toBeGreaterThan(0);
    expect(one.meta[0].requestId).toMatch(/^[0-9a-f-]{36}$/);
    const many = await c
      .configure({ confidenceThreshold: 0.5, maxBatchSize: 2 })
      .infer([dog, dog, dog], 'coco/3');
    expect(many).toHaveLength(3);
    for (const m of many)
      expect((m as { predictions: unknown[] }).predictions).toEqual(
        r.predictions.map((p) => expect.objectContaining({ class: p.class })),
      );
  });

  it('v1: visualisation and instance segmentation through the registry lookup', async () => {
    const c = new InferenceHTTPClient({ apiUrl: url }).configure({ visualizePredictions: true });
    const seg = (await c.infer(dog, 'coco-seg/1')) as {
      predictions: { points: unknown[] }[];
      visualization: string;
    };
    expect(seg.predictions[0].points.length).toBeGreaterThan(2);
    expect(Buffer.from(seg.visualization, 'base64').subarray(0, 2).toString('hex')).toBe('ffd8');
  });

  it('model management: load, describe, list, unload, unload all', async () => {
    const c = new InferenceHTTPClient({ apiUrl: url });
    const loaded = await c.loadModel('classifier/1', { setAsDefault: true });
    expect(loaded.models.map((m) => m.model_id)).toContain('classifier/1');
    expect(c.selectedModel).toBe('classifier/1');
    expect(await c.getModelDescription('classifier/1')).toMatchObject({
      task_type: 'classification',
      input_width: 32,
    });
    expect((await c.listLoadedModels()).models.map((m) => m.model_id)).toEqual(
      expect.arrayContaining(['coco/3', 'classifier/1']),
    );
    expect((await c.unloadModel('classifier/1')).models.map((m) => m.model_id)).not.toContain('classifier/1');
    expect((await c.unloadAllModels()).models).toEqual([]);
  });

  it('OCR with model pp-ocr, one image and a list', async () => {
    const c = new InferenceHTTPClient({ apiUrl: url });
    const r = await c.ocrImage(text, { model: 'pp-ocr' });
    expect(r).toMatchObject({ parent_id: null, result: expect.stringContaining('THIS DAY') });
    const list = await c.ocrImage([text, text], { model: 'pp-ocr', generateBoundingBoxes: true });
    expect(list).toHaveLength(2);
    expect(list[1].predictions?.length).toBeGreaterThan(0);
  });

  it('v0 (legacy route): raw base64 body, format=image gives a JPEG, errors come back as HTTPCallError', async () => {
    const c = new InferenceHTTPClient({ apiUrl: url, apiKey: 'any' })
      .selectApiV0()
      .configure({ confidenceThreshold: 0.5 });
    const r = (await c.infer(dog, 'coco/3')) as { predictions: { class: string }[] };
    expect(r.predictions.map((p) => p.class)).toContain('dog');
    const img = (await c.configure({ format: 'image' }).infer(dog, 'coco/3')) as { visualization: string };
    expect(Buffer.from(img.visualization, 'base64').subarray(0, 2).toString('hex')).toBe('ffd8');
    const err = await c
      .configure({ retries: 1 })
      .infer(Buffer.from('not an image'), 'coco/3')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HTTPCallError);
    expect((err as HTTPCallError).status).toBe(400);
    expect((err as HTTPCallError).apiMessage).toMatch(/^Could not load input image/);
  });

  it('the wire: the v1 body the SDK sends is accepted and the response keys are the contract keys', async () => {
    const res = await fetch(
      `${url}/infer/object_detection`,
      json({
        model_id: 'coco/3',
        api_key: 'my-api-key',
        image: { type: 'base64', value: dog.toString('base64') },
        visualize_predictions: false,
        confidence: 0.5,
        disable_active_learning: true,
      }),
    );
    const b = (await res.json()) as Record<string, unknown> & { predictions: Record<string, unknown>[] };
    expect(Object.keys(b).sort()).toEqual(['image', 'inference_id', 'predictions', 'time']);
    expect(Object.keys(b.predictions[0]).sort()).toEqual([
      'class',
      'class_id',
      'confidence',
      'detection_id',
      'height',
      'width',
      'x',
      'y',
    ]);
    expect(res.headers.get('x-model-cold-start')).toBe('false');
    expect(res.headers.get('x-model-cold-start-count')).toBe('0');
  });

  it('GET / answers 200 HTML (clients poll it)', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Inference TS');
  });
});

describe('auth', () => {
  let app: FastifyInstance;
  let url: string;
  const png =
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';
  const body = { model_id: 'classifier/1', image: { type: 'base64', value: png } };
  beforeAll(async () => {
    app = await testServer({ apiKeys: ['k-1', 'k-2'] });
    url = await listen(app);
  });
  afterAll(() => app.close());

  it.each([
    ['no key', '', {}, body, 401],
    ['wrong key in the query', '?api_key=nope', {}, body, 401],
    ['key in the query', '?api_key=k-1', {}, body, 200],
    ['key as Bearer header', '', { authorization: 'Bearer k-2' }, body, 200],
    ['key in the body', '', {}, { ...body, api_key: 'k-1' }, 200],
    ['query wins over a good body key', '?api_key=nope', {}, { ...body, api_key: 'k-1' }, 401],
    [
      'header wins over a bad body key',
      '',
      { authorization: 'Bearer k-1' },
      { ...body, api_key: 'nope' },
      200,
    ],
  ])('%s', async (_name, query, headers, payload, status) => {
    const res = await fetch(`${url}/infer/classification${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(payload),
    });
    expect(res.status).toBe(status);
    if (status === 401) expect(await res.json()).toEqual({ status: 401, message: 'Unauthorized api_key' });
  });

  it('probes, docs and metrics stay public; an invalid body without a key is 401, not 422', async () => {
    for (const p of ['/', '/healthz', '/readiness', '/info', '/metrics', '/openapi.json', '/docs/json']) {
      expect((await fetch(`${url}${p}`)).status, p).toBe(200);
    }
    expect((await fetch(`${url}/model/registry`)).status).toBe(401);
    expect((await fetch(`${url}/infer/classification`, json({}))).status).toBe(401);
  });

  it('the SDK sends its key (body for v1, query for the registry) and passes', async () => {
    const c = new InferenceHTTPClient({ apiUrl: url, apiKey: 'k-1' });
    expect((await c.loadModel('classifier/1')).models.length).toBeGreaterThan(0);
    expect(((await c.infer(Buffer.from(png, 'base64'), 'classifier/1')) as { top: string }).top).toBe('cat');
    const header = new InferenceHTTPClient({ apiUrl: url, apiKey: 'k-2' }).configure({
      apiKeyTransport: 'header',
    });
    expect((await header.listLoadedModels()).models.length).toBeGreaterThan(0);
  });

  it('with header keys disabled, a Bearer key is not enough', async () => {
    const strict = await testServer({ apiKeys: ['k-1'], allowApiKeyFromHeaders: false });
    try {
      const r = await strict.inject({
        method: 'GET',
        url: '/model/registry',
        headers: { authorization: 'Bearer k-1' },
      });
      expect(r.statusCode).toBe(401);
      expect((await strict.inject({ method: 'GET', url: '/model/registry?api_key=k-1' })).statusCode).toBe(
        200,
      );
    } finally {
      await strict.close();
    }
  });
});

describe('overload, timeouts and shutdown (gated model)', () => {
  const png =
    'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';
  const body = { model_id: 'classifier/1', image: { type: 'base64', value: png } };

  it('a full queue answers 429 with Retry-After; the admitted requests all finish', async () => {
    const engine = new GatedEngine(testEngineOptions());
    const app = await testServer({ engine, queue: { concurrency: 1, maxQueued: 1 } });
    const url = await listen(app);
    try {
      const first = fetch(`${url}/infer/classification`, json(body));
      const second = fetch(`${url}/infer/classification`, json(body));
      await until(() => engine.waiting === 1, 'first request at the gate');
      const third = await fetch(`${url}/infer/classification`, json(body));
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('1');
      expect(((await third.json()) as { message: string }).message).toMatch(/Too many requests/);
      engine.open();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(
        /inference_request_errors_total\{route="\/infer\/classification",model="classifier\/1",status="429",code="SERVER_ERR_QUEUE_FULL"\} 1/,
      );
    } finally {
      engine.open();
      await app.close();
      await engine.dispose();
    }
  });

  it('a queued client that hangs up gives its place back: the next request is admitted, not refused', async () => {
    const engine = new GatedEngine(testEngineOptions());
    const app = await testServer({ engine, queue: { concurrency: 1, maxQueued: 1 } });
    const url = await listen(app);
    try {
      const running = fetch(`${url}/infer/classification`, json(body));
      await until(() => engine.waiting === 1, 'first request at the gate');
      const gone = new AbortController();
      const queued = fetch(`${url}/infer/classification`, { ...json(body), signal: gone.signal }).catch(
        () => 'aborted',
      );
      const admitted = () => app.services.queues.entries().reduce((n, [, q]) => n + q.admitted, 0);
      await until(() => admitted() === 2, 'second request admitted to the queue');
      expect((await fetch(`${url}/infer/classification`, json(body))).status).toBe(429);
      gone.abort();
      expect(await queued).toBe('aborted');
      await until(() => admitted() === 1, 'the hung-up request leaving the queue');
      const next = fetch(`${url}/infer/classification`, json(body));
      await until(() => admitted() === 2, 'the next request admitted');
      engine.open();
      expect((await running).status).toBe(200);
      expect((await next).status).toBe(200);
    } finally {
      engine.open();
      await app.close();
      await engine.dispose();
    }
  });

  it('a request over its time limit gets 504; a model still loading gets 503 + Retry-After', async () => {
    const engine = new GatedEngine(testEngineOptions());
    const app = await testServer({ engine, requestTimeoutMs: 300, modelLoadWaitMs: 0 });
    try {
      const cold = await app.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { ...body, model_id: 'multilabel/1' },
      });
      expect(cold.statusCode).toBe(503);
      expect(cold.headers['retry-after']).toBe('1');
      expect(cold.json().message).toMatch(/not ready/);
      await engine.getModel('classifier/1');
      const slow = await app.inject({ method: 'POST', url: '/infer/classification', payload: body });
      expect(slow.statusCode).toBe(504);
    } finally {
      engine.open();
      await app.close();
      await engine.dispose();
    }
  });

  it('graceful shutdown: readiness turns 503, in-flight requests finish, new connections are refused', async () => {
    const engine = new GatedEngine(testEngineOptions());
    const app = await testServer({ engine });
    const url = await listen(app);
    try {
      const inflight = [
        fetch(`${url}/infer/classification`, json(body)),
        fetch(`${url}/infer/classification`, json(body)),
      ];
      await until(() => engine.waiting === 2, 'two requests at the gate');
      const closing = closeGracefully(app, 10_000);
      expect(app.services.state.shuttingDown).toBe(true);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      engine.open();
      const done = await Promise.all(inflight);
      expect(done.map((r) => r.status)).toEqual([200, 200]);
      await closing;
    } finally {
      engine.open();
      await engine.dispose();
    }
  });

  it('graceful shutdown is bounded: connections still busy after the timeout are dropped', async () => {
    const engine = new GatedEngine(testEngineOptions());
    const app = await testServer({ engine });
    const url = await listen(app);
    try {
      const stuck = fetch(`${url}/infer/classification`, json(body)).then(
        (r) => r.status,
        () => 'dropped',
      );
      await until(() => engine.waiting === 1, 'request at the gate');
      await closeGracefully(app, 100);
      expect(await stuck).toBe('dropped');
    } finally {
      engine.open();
      await engine.dispose();
    }
  });
});
