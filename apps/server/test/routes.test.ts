import { readFile } from 'node:fs/promises';
import { encodeImage, loadImage } from '@inference-ts/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, modelFixtures, photoBase64, sharedMedia, testServer } from './helpers.js';

/** A small solid-colour PNG as base64 (enough for the constant-output models). */
async function tinyPng(): Promise<string> {
  const data = new Uint8Array(40 * 30 * 3);
  for (let i = 0; i < data.length; i += 3) data[i] = 200;
  return (await encodeImage({ data, width: 40, height: 30 }, 'png')).toString('base64');
}

const img = (value: string) => ({ type: 'base64', value });

describe('routes through inject (tiny models)', () => {
  let app: FastifyInstance;
  let png: string;
  beforeAll(async () => {
    app = await testServer();
    png = await tinyPng();
  });
  afterAll(() => app.close());

  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object });

  it('classification: single-label envelope with top and confidence', async () => {
    const r = await post('/infer/classification', { model_id: 'classifier/1', image: img(png) });
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(b.top).toBe('cat');
    expect(b.predictions.map((p: { class: string }) => p.class)).toEqual(['cat', 'car', 'dog']);
    expect(b.image).toEqual({ width: 40, height: 30 });
    expect(typeof b.inference_id).toBe('string');
    expect(b.visualization).toBeUndefined();
    expect(r.headers['x-model-id']).toBe('classifier/1');
    expect(r.headers['x-model-cold-start']).toBe('true');
    const again = await post('/infer/classification', { model_id: 'classifier/1', image: img(png) });
    expect(again.headers['x-model-cold-start']).toBe('false');
    expect(again.headers['x-model-cold-start-count']).toBe('0');
  });

  it('multi-label classification: predictions dict and predicted_classes', async () => {
    const r = await post('/infer/classification', {
      model_id: 'multilabel/1',
      image: img(png),
      confidence: 0.5,
    });
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(Object.keys(b.predictions).sort()).toEqual(['car', 'cat', 'dog']);
    expect(b.predicted_classes).toEqual(['cat', 'car']);
  });

  it('a list in gives a list out, in order; an id becomes inference_id', async () => {
    const r = await post('/infer/classification', {
      model_id: 'classifier/1',
      image: [img(png), img(`data:image/png;base64,${png}`)],
    });
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(Array.isArray(b)).toBe(true);
    expect(b).toHaveLength(2);
    const one = await post('/infer/classification', {
      model_id: 'classifier/1',
      image: img(png),
      id: 'req-7',
    });
    expect(one.json().inference_id).toBe('req-7');
  });

  it('keypoints: the person and its 17 keypoints; confidence "best" is a 422 here', async () => {
    const r = await post('/infer/keypoints_detection', {
      model_id: 'pose/1',
      image: img(png),
      confidence: 0.5,
    });
    expect(r.statusCode).toBe(200);
    const [p] = r.json().predictions;
    expect(p.class).toBe('person');
    expect(p.keypoints).toHaveLength(17);
    expect(p.keypoints[0]).toMatchObject({ class: 'nose', class_id: 0 });
    const best = await post('/infer/keypoints_detection', {
      model_id: 'pose/1',
      image: img(png),
      confidence: 'best',
    });
    expect(best.statusCode).toBe(422);
    expect(best.json().detail[0].loc).toEqual(['body', 'confidence']);
  });

  it('semantic segmentation: base64 PNG masks and the class map', async () => {
    const r = await post('/infer/semantic_segmentation', { model_id: 'semantic/1', image: img(png) });
    expect(r.statusCode).toBe(200);
    const p = r.json().predictions;
    expect(p.class_map).toMatchObject({ '1': 'road', '2': 'car' });
    const mask = await loadImage(Buffer.from(p.segmentation_mask, 'base64'));
    expect([mask.width, mask.height]).toEqual([40, 30]);
    expect(mask.data[0]).toBe(1); // left column: road
    expect(mask.data[39 * 3]).toBe(2); // right column: car
  });

  it('visualize_predictions adds a base64 JPEG', async () => {
    const r = await post('/infer/classification', {
      model_id: 'classifier/1',
      image: img(png),
      visualize_predictions: true,
    });
    const jpeg = Buffer.from(r.json().visualization, 'base64');
    expect(jpeg.subarray(0, 2).toString('hex')).toBe('ffd8');
  });

  it.each([
    ['missing model_id', { image: img('x') }, 422, ['body', 'model_id']],
    ['missing image', { model_id: 'classifier/1' }, 422, ['body', 'image']],
    [
      'image without type',
      { model_id: 'classifier/1', image: { value: 'x' } },
      422,
      ['body', 'image', 'type'],
    ],
    [
      'bad mask format',
      { model_id: 'classifier/1', image: img('x'), response_mask_format: 'png' },
      422,
      ['body', 'response_mask_format'],
    ],
  ])('validation: %s -> 422 detail', async (_name, body, status, loc) => {
    const url =
      body && 'response_mask_format' in body ? '/infer/instance_segmentation' : '/infer/classification';
    const r = await post(url, body);
    expect(r.statusCode).toBe(status);
    expect(r.json().detail.map((d: { loc: unknown }) => d.loc)).toContainEqual(loc);
  });

  it.each([
    ['not base64', img('%%%not-base64%%%'), 400, /^Could not load input image/],
    [
      'base64 of text',
      img(Buffer.from('hello world, not an image').toString('base64')),
      400,
      /^Could not load input image/,
    ],
    ['unknown image type', { type: 'pickle', value: 'x' }, 400, /not recognised image type/],
    ['numpy refused', { type: 'numpy', value: 'x' }, 400, /numpy/],
    ['file refused by default', { type: 'file', value: '/etc/hostname' }, 400, /not allowed/],
    ['URL to a private address', { type: 'url', value: 'https://127.0.0.1/a.jpg' }, 400, /private/],
    ['plain http URL', { type: 'url', value: 'http://example.com/a.jpg' }, 400, /https/],
    ['a URL disguised as base64', img('https://example.com/a.jpg'), 400, /not accepted/],
  ])('bad image: %s -> %i {message}', async (_name, image, status, message) => {
    const r = await post('/infer/classification', { model_id: 'classifier/1', image });
    expect(r.statusCode).toBe(status);
    expect(r.json().message).toMatch(message);
  });

  it.each([
    ['too many slashes', 'a/b/c', 400, /^Invalid Model ID/],
    ['unknown name', 'no-such-alias', 404, /not found/],
    ['uncached dataset/version without a key', 'some-project/4', 400, /API key is missing/],
  ])('model ids: %s -> %i', async (_name, model_id, status, message) => {
    const r = await post('/infer/object_detection', { model_id, image: img(png) });
    expect(r.statusCode).toBe(status);
    expect(r.json().message).toMatch(message);
  });

  it('local model paths are refused unless the operator allows them', async () => {
    const strict = await testServer({ models: { allowLocalPaths: false } });
    try {
      const r = await strict.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: modelFixtures().classification, image: img(png) },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().message).toMatch(/--allow-local-model-paths or ALLOW_LOCAL_MODEL_PATHS=true/);
      // a bare name could only be a relative folder: the refusal says how to allow those too
      const name = await strict.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'my-model-dir', image: img(png) },
      });
      expect(name.json().message).toMatch(/--allow-local-model-paths or ALLOW_LOCAL_MODEL_PATHS=true/);
      const ok = await strict.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: img(png) },
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it('invalid JSON is a 422 json_invalid; unknown routes are {"detail":"Not Found"}', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/infer/classification',
      payload: '{nope',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail[0].type).toBe('json_invalid');
    const nf = await app.inject({ method: 'GET', url: '/no/such/route' });
    expect(nf.statusCode).toBe(404);
    expect(nf.json()).toEqual({ detail: 'Not Found' });
  });

  it('model management: add, registry, remove (silent for unknown), clear', async () => {
    const add = await post('/model/add', { model_id: 'pose/1' });
    expect(add.statusCode).toBe(200);
    const entry = add.json().models.find((m: { model_id: string }) => m.model_id === 'pose/1');
    expect(entry).toMatchObject({
      task_type: 'keypoint-detection',
      input_width: 64,
      input_height: 64,
      batch_size: 1,
      vram_bytes: null,
    });
    const reg = await app.inject({ method: 'GET', url: '/model/registry?api_key=None' });
    expect(reg.json().models.map((m: { model_id: string }) => m.model_id)).toContain('pose/1');
    expect(reg.json().gpu_memory_used).toBeNull();
    const rm = await post('/model/remove', { model_id: 'pose/1' });
    expect(rm.json().models.map((m: { model_id: string }) => m.model_id)).not.toContain('pose/1');
    expect((await post('/model/remove', { model_id: 'never/1' })).statusCode).toBe(200);
    const clear = await app.inject({
      method: 'POST',
      url: '/model/clear',
      headers: { 'content-type': 'application/json' },
    });
    expect(clear.statusCode).toBe(200);
    expect(clear.json().models).toEqual([]);
  });

  it('probes, info, landing page, docs and metrics', async () => {
    expect((await app.inject('/')).headers['content-type']).toMatch(/text\/html/);
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'healthy' });
    expect((await app.inject('/readiness')).json()).toEqual({ status: 'ready' });
    const info = (await app.inject('/info')).json();
    expect(info).toMatchObject({ name: expect.any(String), version: '0.1.0', uuid: expect.any(String) });
    const spec = (await app.inject('/openapi.json')).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/infer/object_detection',
        '/infer/classification',
        '/ocr/pp-ocr',
        '/model/add',
        '/{dataset_id}/{version_id}',
      ]),
    );
    expect(spec.components.schemas).toHaveProperty('InferenceRequestImage');
    expect((await app.inject('/docs')).statusCode).toBeLessThan(400);
    await post('/infer/classification', { model_id: 'classifier/1', image: img(png) });
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(
      /inference_requests_total\{method="POST",route="\/infer\/classification",model="classifier\/1",status="200"\} \d+/,
    );
    for (const stage of ['queue', 'decode', 'preprocess', 'infer', 'postprocess', 'serialize']) {
      expect(metrics).toContain(
        `inference_stage_duration_seconds_count{stage="${stage}",model="classifier/1"}`,
      );
    }
    expect(metrics).toMatch(
      /inference_request_errors_total\{route="\/infer\/classification",model="[^"]*",status="400"/,
    );
  });

  it('echoes a valid X-Request-ID and makes one otherwise', async () => {
    const r = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(r.headers['x-request-id']).toBe('abc-123');
    const bad = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'has spaces <>' },
    });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(r.headers['x-processing-time'])).toBeGreaterThanOrEqual(0);
  });

  it('the body size limit gives 413 {message}', async () => {
    const small = await testServer({ bodyLimitBytes: 1024 });
    try {
      const r = await small.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: img('A'.repeat(4000)) },
      });
      expect(r.statusCode).toBe(413);
      expect(r.json().message).toMatch(/larger/);
    } finally {
      await small.close();
    }
  });
});

describe('legacy route through inject', () => {
  let app: FastifyInstance;
  let png: string;
  beforeAll(async () => {
    app = await testServer();
    png = await tinyPng();
  });
  afterAll(() => app.close());

  it('raw base64 body labelled application/json (the Python client), quoted or not, with a data: prefix', async () => {
    for (const payload of [png, `"${png}"`, `data:image/png;base64,${png}`]) {
      const r = await app.inject({
        method: 'POST',
        url: '/classifier/1?confidence=50',
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(r.statusCode).toBe(200);
      expect(r.json().top).toBe('cat');
    }
  });

  it("Python's query string (booleans as True/False) is accepted, as pydantic does", async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/classifier/1?api_key=k&confidence=0.5&disable_active_learning=False&labels=True&countinference=False&disable_preproc_auto_orient=false',
      payload: png,
      headers: { 'content-type': 'application/json' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().top).toBe('cat');
    const bad = await app.inject({
      method: 'POST',
      url: '/classifier/1?labels=perhaps',
      payload: png,
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(422);
  });

  it('a malformed multipart body is a 400, not a 500', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/classifier/1',
      payload: '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\ntruncated',
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/multipart/i);
  });

  it('x-www-form-urlencoded body and multipart file part', async () => {
    const form = await app.inject({
      method: 'POST',
      url: '/classifier/1',
      payload: png,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(200);
    const boundary = 'XyZ';
    const bytes = Buffer.from(png, 'base64');
    const multipart = (field: string) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const ok = await app.inject({
      method: 'POST',
      url: '/classifier/1',
      payload: multipart('file'),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().image).toEqual({ width: 40, height: 30 });
    const wrong = await app.inject({
      method: 'POST',
      url: '/classifier/1',
      payload: multipart('upload'),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().message).toMatch(/part named 'file'/);
  });

  it('no Content-Type -> 400; raw bytes -> 400; bad response_mask_format -> 422', async () => {
    const none = await app.inject({
      method: 'POST',
      url: '/classifier/1',
      payload: Buffer.from(png),
      headers: { 'content-type': '' },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().message).toMatch(/Content-Type/);
    const raw = await app.inject({
      method: 'POST',
      url: '/classifier/1',
      payload: Buffer.from(png, 'base64'),
      headers: { 'content-type': 'application/json' },
    });
    expect(raw.statusCode).toBe(400);
    expect(raw.json().message).toMatch(/^Could not load input image/);
    const fmt = await app.inject({
      method: 'POST',
      url: '/classifier/1?response_mask_format=png',
      payload: png,
      headers: { 'content-type': 'application/json' },
    });
    expect(fmt.statusCode).toBe(422);
    expect(fmt.json().detail[0].loc).toEqual(['query', 'response_mask_format']);
  });

  it('format=image answers a JPEG; image_and_json adds visualization; ?image= URL goes through the guard', async () => {
    const jpeg = await app.inject({
      method: 'POST',
      url: '/classifier/1?format=image',
      payload: png,
      headers: { 'content-type': 'application/json' },
    });
    expect(jpeg.headers['content-type']).toBe('image/jpeg');
    expect(jpeg.rawPayload.subarray(0, 2).toString('hex')).toBe('ffd8');
    const both = await app.inject({
      method: 'POST',
      url: '/classifier/1?format=image_and_json',
      payload: png,
      headers: { 'content-type': 'application/json' },
    });
    expect(both.json().visualization).toEqual(expect.any(String));
    const url = await app.inject({
      method: 'GET',
      url: `/classifier/1?image=${encodeURIComponent('https://10.0.0.1/a.jpg')}`,
    });
    expect(url.statusCode).toBe(400);
    expect(url.json().message).toMatch(/private/);
  });

  it('explicit routes win over the legacy catch-all', async () => {
    expect((await app.inject('/model/registry')).statusCode).toBe(200);
    expect((await app.inject('/docs/json')).statusCode).toBe(200);
  });
});

describe.skipIf(!HAS_SHARED)('real models through inject', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await testServer();
  });
  afterAll(() => app.close());

  it('object detection on dog.jpg finds a dog; legacy route gives the same predictions', async () => {
    const dog = await photoBase64('dog.jpg');
    const v1 = await app.inject({
      method: 'POST',
      url: '/infer/object_detection',
      payload: { model_id: 'coco/3', image: img(dog), confidence: 0.5 },
    });
    expect(v1.statusCode).toBe(200);
    const classes = v1.json().predictions.map((p: { class: string }) => p.class);
    expect(classes).toContain('dog');
    const legacy = await app.inject({
      method: 'POST',
      url: '/coco/3?confidence=0.5',
      payload: dog,
      headers: { 'content-type': 'application/json' },
    });
    expect(legacy.json().predictions.map((p: { class: string }) => p.class)).toEqual(classes);
  });

  it('instance segmentation: polygons by default, RLE on request', async () => {
    const dog = await photoBase64('dog.jpg');
    const poly = await app.inject({
      method: 'POST',
      url: '/infer/instance_segmentation',
      payload: { model_id: 'coco-seg/1', image: img(dog) },
    });
    expect(poly.statusCode).toBe(200);
    const p = poly.json().predictions[0];
    expect(p.mask_format).toBe('polygon');
    expect(p.points.length).toBeGreaterThan(2);
    const rle = await app.inject({
      method: 'POST',
      url: '/infer/instance_segmentation',
      payload: { model_id: 'coco-seg/1', image: img(dog), response_mask_format: 'rle' },
    });
    expect(rle.json().predictions[0]).toMatchObject({
      mask_format: 'rle',
      rle: { size: [576, 768], counts: expect.any(String) },
    });
  });

  it('OCR on /ocr/pp-ocr: text, parent_id null; boxes on request; a list gives a list', async () => {
    const text = (await readFile(sharedMedia('multi_line_text.jpg'))).toString('base64');
    const r = await app.inject({ method: 'POST', url: '/ocr/pp-ocr', payload: { image: img(text) } });
    expect(r.statusCode).toBe(200);
    const b = r.json();
    expect(b.result).toContain('GREAT');
    expect(b.parent_id).toBeNull();
    expect(b.predictions).toBeUndefined();
    const boxes = await app.inject({
      method: 'POST',
      url: '/ocr/pp-ocr',
      payload: { image: [img(text), img(text)], generate_bounding_boxes: true },
    });
    expect(boxes.json()).toHaveLength(2);
    expect(boxes.json()[0].predictions.length).toBeGreaterThan(0);
  });
});

describe('framework errors', () => {
  it('a URL fastify cannot parse gets a JSON 400 in the FastAPI shape', async () => {
    const app = await testServer();
    try {
      const r = await app.inject({ method: 'GET', url: '/%E0%A4%A/1' });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toEqual({ detail: 'Bad Request' });
    } finally {
      await app.close();
    }
  });
});

describe('Roboflow routes this server does not serve', () => {
  it.each([
    ['POST', '/clip/embed_image', 501],
    ['POST', '/doctr/ocr', 501],
    ['POST', '/infer/lmm', 501],
    ['POST', '/workflows/run', 501],
    ['GET', '/inference_pipelines/list', 501],
    ['POST', '/gaze/gaze_detection', 410],
  ])('%s %s answers %i with a message, not a model error', async (method, url, status) => {
    const app = await testServer();
    try {
      const r = await app.inject({ method: method as 'GET' | 'POST', url, payload: {} });
      expect(r.statusCode).toBe(status);
      expect(typeof r.json().message).toBe('string');
    } finally {
      await app.close();
    }
  });
});

describe('images per request', () => {
  it('more images than MAX_BATCH_SIZE are refused with a 400 before any is decoded', async () => {
    const app = await testServer({ images: { maxPerRequest: 2 } });
    try {
      const png = await tinyPng();
      const image = { type: 'base64', value: png };
      const ok = await app.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: [image, image] },
      });
      expect(ok.statusCode).toBe(200);
      const tooMany = await app.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: [image, image, image] },
      });
      expect(tooMany.statusCode).toBe(400);
      expect(tooMany.json().message).toMatch(/at most 2/);
    } finally {
      await app.close();
    }
  });
});

describe('null fields', () => {
  it('a null parameter means "not given" (the default applies), not a coerced 0', async () => {
    const app = await testServer();
    try {
      const png = await tinyPng();
      const image = { type: 'base64', value: png };
      // multi-label: which classes are predicted depends on the confidence threshold
      const ask = (extra: Record<string, unknown>) =>
        app.inject({
          method: 'POST',
          url: '/infer/classification',
          payload: { model_id: 'multilabel/1', image, ...extra },
        });
      const withNull = await ask({ confidence: null });
      const without = await ask({});
      const zero = await ask({ confidence: 0 });
      expect(withNull.statusCode).toBe(200);
      expect(withNull.json().predicted_classes).toEqual(without.json().predicted_classes);
      expect(zero.json().predicted_classes).not.toEqual(without.json().predicted_classes);
      const noImage = await app.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: null },
      });
      expect(noImage.statusCode).toBe(422);
    } finally {
      await app.close();
    }
  });
});
