import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeServer,
  odResponse,
  type RecordedRequest,
  registry,
  startFakeServer,
} from '../../test/fake-server.js';
import { InferenceHTTPClient } from './client.js';
import type { InferenceConfigurationInput } from './configuration.js';
import {
  ModelNotInitializedError,
  ModelNotSelectedError,
  ModelTaskTypeNotSupportedError,
  WrongClientModeError,
} from './errors.js';
import type { WireInferenceRequestImage } from './wire.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A fake v1 server: a model registry (`loaded`), `/model/add` that loads with `taskOf`, and `/infer/*` echoing image tags. */
async function v1Server(
  options: {
    loaded?: Record<string, string>;
    taskOf?: (id: string) => string;
    hold?: (r: RecordedRequest) => Promise<void>;
  } = {},
): Promise<FakeServer> {
  const loaded: Record<string, string> = { ...options.loaded };
  const models = () =>
    registry(Object.entries(loaded).map(([model_id, task_type]) => ({ model_id, task_type })));
  return startFakeServer(async (req) => {
    if (req.path === '/model/registry') return { json: models() };
    if (req.path === '/model/add') {
      const id = (req.json as { model_id: string }).model_id;
      loaded[id] = options.taskOf?.(id) ?? 'object-detection';
      return { json: models() };
    }
    if (req.path === '/model/remove') {
      delete loaded[(req.json as { model_id: string }).model_id];
      return { json: models() };
    }
    if (req.path === '/model/clear') {
      for (const k of Object.keys(loaded)) delete loaded[k];
      return { json: models() };
    }
    if (req.path.startsWith('/infer/')) {
      await options.hold?.(req);
      const image = (req.json as { image: WireInferenceRequestImage | WireInferenceRequestImage[] }).image;
      if (Array.isArray(image)) return { json: image.map((i) => odResponse(unb64(i.value))) };
      return {
        json: odResponse(unb64(image.value)),
        headers: { 'x-model-id': 'coco/3', 'x-model-cold-start': 'false', 'x-processing-time': '0.25' },
      };
    }
    return { status: 404, json: { detail: 'Not Found' } };
  });
}

function client(
  s: FakeServer,
  cfg: InferenceConfigurationInput = {},
  apiKey = 'my-api-key',
): InferenceHTTPClient {
  return new InferenceHTTPClient({ apiUrl: s.url, apiKey, configuration: cfg });
}

const summary = (s: FakeServer) => s.requests.map((r) => `${r.method} ${r.url}`);

describe('v1 inference', () => {
  it('sends the worked example body byte for byte', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    const c = client(server, { confidenceThreshold: 0.5, disableActiveLearning: true });
    await c.infer(bytes('jpeg'), 'coco/3');
    const req = server.requests.at(-1)!;
    expect(req.path).toBe('/infer/object_detection');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toBe(
      `{"model_id":"coco/3","api_key":"my-api-key","image":{"type":"base64","value":"${b64('jpeg')}"},` +
        '"visualize_predictions":false,"confidence":0.5,"disable_active_learning":true}',
    );
  });

  it('looks the model up in the registry, adds it when absent (de-aliased), then infers', async () => {
    server = await v1Server();
    const out = await client(server).infer(bytes('img-0'), 'yolov8n-640');
    expect(out).toEqual(odResponse('img-0'));
    expect(summary(server)).toEqual([
      'GET /model/registry?api_key=my-api-key',
      'POST /model/add',
      'POST /infer/object_detection',
    ]);
    expect(server.requests[1].json).toEqual({ model_id: 'coco/3', api_key: 'my-api-key' });
    expect((server.requests[2].json as { model_id: string }).model_id).toBe('coco/3');
  });

  it('skips /model/add when the model is registered and sends no api_key without a key', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    await new InferenceHTTPClient({ apiUrl: server.url }).infer(bytes('x'), 'coco/3');
    expect(summary(server)).toEqual(['GET /model/registry', 'POST /infer/object_detection']);
    expect(server.requests[1].json).not.toHaveProperty('api_key');
  });

  it('routes by task type and sends only that task’s parameters', async () => {
    const tasks: Record<string, string> = {
      'seg/1': 'instance-segmentation',
      'pose/1': 'keypoint-detection',
      'cls/1': 'classification',
      'sem/1': 'semantic-segmentation',
    };
    server = await v1Server({ taskOf: (id) => tasks[id] });
    const c = client(server, {
      confidenceThreshold: 0.3,
      iouThreshold: 0.5,
      keypointConfidenceThreshold: 0.1,
      strokeWidth: 2,
      maskDecodeMode: 'tradeoff',
      tradeoffFactor: 0.5,
      responseMaskFormat: 'rle',
      classFilter: ['dog'],
    });
    for (const id of Object.keys(tasks)) await c.infer(bytes('x'), id);
    const infers = server.requests.filter((r) => r.path.startsWith('/infer/'));
    expect(infers.map((r) => r.path)).toEqual([
      '/infer/instance_segmentation',
      '/infer/keypoints_detection',
      '/infer/classification',
      '/infer/semantic_segmentation',
    ]);
    const keys = infers.map((r) => Object.keys(r.json as object).sort());
    const common = [
      'api_key',
      'confidence',
      'disable_active_learning',
      'image',
      'model_id',
      'visualize_predictions',
    ];
    const detector = [...common, 'class_filter', 'iou_threshold', 'visualization_stroke_width'];
    expect(keys[0]).toEqual(
      [...detector, 'mask_decode_mode', 'response_mask_format', 'tradeoff_factor'].sort(),
    );
    expect(keys[1]).toEqual([...detector, 'keypoint_confidence'].sort());
    expect(keys[2]).toEqual([...common, 'visualization_stroke_width'].sort());
    expect(keys[3]).toEqual([...common].sort());
    expect((infers[0].json as Record<string, unknown>).visualization_stroke_width).toBe(2);
  });

  it('sends countinference and service_secret as query params', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    await client(server, { countInference: false, serviceSecret: 'sh' }).infer(bytes('x'), 'coco/3');
    expect(server.requests.at(-1)!.query).toEqual({ countinference: 'false', service_secret: 'sh' });
    expect(server.requests.at(-1)!.json).not.toHaveProperty('countinference');
  });

  it('rejects a task type with no v1 route, and a model that cannot be loaded', async () => {
    server = await v1Server({ taskOf: () => 'ocr' });
    await expect(client(server).infer(bytes('x'), 'doctr/1')).rejects.toBeInstanceOf(
      ModelTaskTypeNotSupportedError,
    );
    await server.close();
    // /model/add answers but never lists the model.
    server = await startFakeServer(() => ({ json: registry([]) }));
    await expect(client(server).infer(bytes('x'), 'coco/3')).rejects.toBeInstanceOf(ModelNotInitializedError);
    await expect(client(server).getModelDescription('coco/3', { allowLoading: false })).rejects.toMatchObject(
      {
        code: 'SDK_ERR_MODEL_NOT_INITIALIZED',
      },
    );
  });

  it('needs a model id or a selected model', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    await expect(client(server).infer(bytes('x'))).rejects.toBeInstanceOf(ModelNotSelectedError);
    const c = client(server).selectModel('coco/3');
    expect(c.selectedModel).toBe('coco/3');
    await expect(c.infer(bytes('img-0'))).resolves.toEqual(odResponse('img-0'));
  });
});

describe('batching and concurrency', () => {
  it('chunks images by maxBatchSize, sends lists for batches, and returns results in input order', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    const inputs = ['img-0', 'img-1', 'img-2', 'img-3', 'img-4'].map(bytes);
    const out = await client(server, { maxBatchSize: 2, maxConcurrentRequests: 2 }).infer(inputs, 'coco/3');
    const images = server.requests
      .filter((r) => r.path === '/infer/object_detection')
      .map((r) => (r.json as { image: unknown }).image);
    expect(images).toHaveLength(3);
    const lengths = images.map((i) => (Array.isArray(i) ? i.length : 'single')).sort();
    expect(lengths).toEqual([2, 2, 'single']);
    expect(out.map((r) => ('inference_id' in r ? r.inference_id : ''))).toEqual([
      'img-0',
      'img-1',
      'img-2',
      'img-3',
      'img-4',
    ]);
  });

  it('never has more than maxConcurrentRequests in flight, and fills that many', async () => {
    const limit = 2;
    const total = 6;
    const waiting: (() => void)[] = [];
    let arrived = 0;
    // Hold each request until `limit` are waiting (or all have arrived), then let a few ticks pass
    // so that a client ignoring the limit would show more requests in flight.
    const hold = (): Promise<void> =>
      new Promise((resolve) => {
        waiting.push(resolve);
        arrived++;
        if (waiting.length >= limit || arrived === total) {
          setTimeout(() => {
            for (const release of waiting.splice(0)) release();
          }, 20);
        }
      });
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' }, hold });
    const inputs = Array.from({ length: total }, (_, i) => bytes(`img-${i}`));
    const out = await client(server, { maxConcurrentRequests: limit }).infer(inputs, 'coco/3');
    expect(out).toHaveLength(total);
    expect(server.maxInFlight).toBe(limit);
  });

  it('a single input returns one object, a one-element list returns a list', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    const c = client(server);
    expect(Array.isArray(await c.infer(bytes('img-0'), 'coco/3'))).toBe(false);
    expect(await c.infer([bytes('img-0')], 'coco/3')).toEqual([odResponse('img-0')]);
  });

  it('inferWithMeta exposes X-Model-Id, X-Model-Cold-Start and X-Processing-Time', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    const { result, meta } = await client(server).inferWithMeta(bytes('img-0'), 'coco/3');
    expect(result).toEqual(odResponse('img-0'));
    expect(meta).toEqual([{ status: 200, modelIds: ['coco/3'], coldStart: false, processingTime: 0.25 }]);
  });
});

describe('api key transport', () => {
  it('header: Bearer only, no key in query or body', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    await client(server, { apiKeyTransport: 'header' }).infer(bytes('x'), 'coco/3');
    for (const r of server.requests) {
      expect(r.headers.authorization).toBe('Bearer my-api-key');
      expect(r.query).not.toHaveProperty('api_key');
    }
    expect(server.requests.at(-1)!.json).not.toHaveProperty('api_key');
  });

  it('both: Bearer plus the legacy channels', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    await client(server, { apiKeyTransport: 'both' }).infer(bytes('x'), 'coco/3');
    expect(server.requests[0].query).toEqual({ api_key: 'my-api-key' });
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer my-api-key');
    expect((server.requests.at(-1)!.json as { api_key: string }).api_key).toBe('my-api-key');
  });

  it('legacy: no Authorization header', async () => {
    server = await v1Server({ loaded: { 'coco/3': 'object-detection' } });
    await client(server).infer(bytes('x'), 'coco/3');
    expect(server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});

describe('model management', () => {
  it('lists, loads (optionally selecting), unloads and clears', async () => {
    server = await v1Server({ loaded: { 'a/1': 'classification' } });
    const c = client(server);
    expect((await c.listLoadedModels()).models.map((m) => m.model_id)).toEqual(['a/1']);
    const afterAdd = await c.loadModel('yolov8n-640', { setAsDefault: true });
    expect(afterAdd.models.map((m) => m.model_id)).toEqual(['a/1', 'coco/3']);
    expect(c.selectedModel).toBe('coco/3');
    expect((await c.getModelDescription('coco/3')).task_type).toBe('object-detection');
    expect((await c.unloadModel('yolov8n-640')).models.map((m) => m.model_id)).toEqual(['a/1']);
    expect(c.selectedModel).toBeUndefined();
    expect((await c.unloadAllModels()).models).toEqual([]);
    expect(summary(server)).toEqual([
      'GET /model/registry?api_key=my-api-key',
      'POST /model/add',
      'GET /model/registry?api_key=my-api-key',
      'POST /model/remove',
      'POST /model/clear',
    ]);
    expect(server.requests[3].json).toEqual({ model_id: 'coco/3' });
    expect(server.requests[4].body).toBe('');
  });

  it('model management needs v1 mode', async () => {
    const c = new InferenceHTTPClient({ apiUrl: 'https://detect.roboflow.com', apiKey: 'k' });
    await expect(c.listLoadedModels()).rejects.toBeInstanceOf(WrongClientModeError);
    await expect(c.loadModel('coco/3')).rejects.toBeInstanceOf(WrongClientModeError);
    await expect(c.inferFromApiV1(bytes('x'), 'coco/3')).rejects.toBeInstanceOf(WrongClientModeError);
  });
});

describe('server state', () => {
  it('getServerInfo, health and readiness (503 bodies are returned, not thrown, with one try)', async () => {
    server = await startFakeServer((req) => {
      if (req.path === '/info')
        return { json: { name: 'Roboflow Inference Server', version: '1.5.0', uuid: 'u' } };
      if (req.path === '/healthz') return { json: { status: 'healthy' } };
      return { status: 503, json: { status: 'not ready' } };
    });
    const c = client(server);
    expect(await c.getServerInfo()).toEqual({
      name: 'Roboflow Inference Server',
      version: '1.5.0',
      uuid: 'u',
    });
    expect(await c.health()).toEqual({ status: 'healthy' });
    expect(await c.readiness()).toEqual({ status: 'not ready' });
    expect(summary(server)).toEqual(['GET /info', 'GET /healthz', 'GET /readiness']);
  });
});

describe('configuration', () => {
  it('withConfiguration returns a new client and leaves the original untouched', () => {
    const a = new InferenceHTTPClient({ apiUrl: 'http://localhost:9001', apiKey: 'k' }).selectModel('coco/3');
    const b = a.withConfiguration({ confidenceThreshold: 0.9, maxBatchSize: 4 });
    expect(b).not.toBe(a);
    expect(b.inferenceConfiguration.confidenceThreshold).toBe(0.9);
    expect(b.selectedModel).toBe('coco/3');
    expect(a.inferenceConfiguration.confidenceThreshold).toBeUndefined();
    expect(a.inferenceConfiguration.maxBatchSize).toBe(1);
    expect(Object.isFrozen(b.inferenceConfiguration)).toBe(true);
  });

  it('rejects invalid client-side values', () => {
    const c = new InferenceHTTPClient({ apiUrl: 'http://localhost:9001' });
    expect(() => c.configure({ maxBatchSize: 0 })).toThrow(/maxBatchSize/);
    expect(() => c.configure({ retries: 0 })).toThrow(/retries/);
    expect(() => c.configure({ retryJitter: 2 })).toThrow(/retryJitter/);
    expect(() => new InferenceHTTPClient({ apiUrl: 'localhost:9001' })).toThrow(/apiUrl/);
  });
});
