import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, odResponse, startFakeServer } from '../../test/fake-server.js';
import { InferenceHTTPClient } from './client.js';
import { APIKeyNotProvided, InvalidModelIdentifier } from './errors.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A client on the real hosted URL whose fetch is redirected to the local fake, so v0 mode is auto-detected. */
function hostedClient(s: FakeServer, apiKey: string | null = 'my-api-key'): InferenceHTTPClient {
  return new InferenceHTTPClient({
    apiUrl: 'https://detect.roboflow.com',
    apiKey: apiKey ?? undefined,
    fetch: (url, init) => fetch(String(url).replace('https://detect.roboflow.com', s.url), init),
  });
}

describe('client mode', () => {
  it('is v0 for every hosted Roboflow URL and v1 otherwise', () => {
    for (const url of [
      'https://detect.roboflow.com',
      'https://outline.roboflow.com/',
      'https://classify.roboflow.com',
      'https://infer.roboflow.com',
      'https://serverless.roboflow.com',
      'https://serverless.roboflow.one',
      'https://serverless.roboflow-eu.one',
      'https://asyncinfer.roboflow.com',
    ]) {
      expect(new InferenceHTTPClient({ apiUrl: url }).clientMode, url).toBe('v0');
    }
    expect(new InferenceHTTPClient({ apiUrl: 'http://localhost:9001' }).clientMode).toBe('v1');
    expect(new InferenceHTTPClient({ apiUrl: 'https://my.server.example' }).clientMode).toBe('v1');
    const c = new InferenceHTTPClient({ apiUrl: 'http://localhost:9001' });
    expect(c.selectApiV0().clientMode).toBe('v0');
    expect(c.selectApiV1().clientMode).toBe('v1');
  });
});

describe('v0 legacy route', () => {
  it('sends the worked example: query params, raw base64 body, JSON content type', async () => {
    server = await startFakeServer(() => ({ json: odResponse('a') }));
    const client = hostedClient(server).configure({ confidenceThreshold: 0.5 });
    const result = await client.infer(bytes('jpeg-bytes'), 'coco/3');
    expect(result).toEqual(odResponse('a'));
    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/coco/3');
    expect(req.query).toEqual({ api_key: 'my-api-key', confidence: '0.5', disable_active_learning: 'false' });
    expect(req.body).toBe(b64('jpeg-bytes'));
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBeUndefined();
  });

  it('de-aliases the model id before building the path', async () => {
    server = await startFakeServer(() => ({ json: odResponse('a') }));
    await hostedClient(server).infer(bytes('x'), 'yolov8n-640');
    await hostedClient(server).selectModel('rfdetr-large').infer(bytes('x'));
    expect(server.requests.map((r) => r.path)).toEqual(['/coco/3', '/coco/50']);
  });

  it('maps configuration fields to the legacy query names', async () => {
    server = await startFakeServer(() => ({ json: odResponse('a') }));
    const client = hostedClient(server).configure({
      iouThreshold: 0.45,
      strokeWidth: 3,
      visualizeLabels: true,
      maxDetections: 10,
      keypointConfidenceThreshold: 0.2,
      disablePreprocAutoOrientation: true,
      disableActiveLearning: true,
      format: 'image_and_json',
      maskDecodeMode: 'fast',
      countInference: false,
      serviceSecret: 's3',
      // v1-only fields never reach the legacy route
      classAgnosticNms: true,
      classFilter: ['dog'],
      maxCandidates: 5,
      fixBatchSize: true,
      visualizePredictions: true,
    });
    await client.infer(bytes('x'), 'coco/3');
    expect(server.requests[0].query).toEqual({
      api_key: 'my-api-key',
      overlap: '0.45',
      stroke: '3',
      labels: 'true',
      max_detections: '10',
      keypoint_confidence: '0.2',
      disable_preproc_auto_orient: 'true',
      disable_active_learning: 'true',
      format: 'image_and_json',
      mask_decode_mode: 'fast',
      countinference: 'false',
      service_secret: 's3',
    });
  });

  it('sends one request per image and returns a list in input order', async () => {
    server = await startFakeServer((req) => ({ json: odResponse(unb64(req.body)) }));
    const client = hostedClient(server).configure({ maxConcurrentRequests: 3, maxBatchSize: 8 });
    const out = await client.infer(
      [bytes('img-0'), bytes('img-1'), bytes('img-2'), bytes('img-3')],
      'coco/3',
    );
    expect(server.requests).toHaveLength(4);
    expect(out.map((r) => ('inference_id' in r ? r.inference_id : undefined))).toEqual([
      'img-0',
      'img-1',
      'img-2',
      'img-3',
    ]);
  });

  it('returns a JPEG answer (format=image) as { visualization }', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    server = await startFakeServer(() => ({ body: jpeg, headers: { 'content-type': 'image/jpeg' } }));
    const out = await hostedClient(server).configure({ format: 'image' }).infer(bytes('x'), 'coco/3');
    expect(out).toEqual({ visualization: Buffer.from(jpeg).toString('base64') });
    expect(server.requests[0].query.format).toBe('image');
  });

  it('passes a { type: "url" } image as the image query param', async () => {
    server = await startFakeServer(() => ({ json: odResponse('a') }));
    await hostedClient(server).infer({ type: 'url', value: 'https://media.example/dog.jpg' }, 'coco/3');
    expect(server.requests[0].query.image).toBe('https://media.example/dog.jpg');
    expect(server.requests[0].body).toBe('');
  });

  it('needs an API key and a two-segment model id, checked before any request', async () => {
    server = await startFakeServer(() => ({ json: odResponse('a') }));
    await expect(hostedClient(server, null).infer(bytes('x'), 'coco/3')).rejects.toBeInstanceOf(
      APIKeyNotProvided,
    );
    await expect(hostedClient(server).infer(bytes('x'), 'a/b/c')).rejects.toBeInstanceOf(
      InvalidModelIdentifier,
    );
    await expect(hostedClient(server).infer(bytes('x'), 'yolov8n')).rejects.toMatchObject({
      code: 'SDK_ERR_INVALID_MODEL_ID',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('OCR on v0 carries the api key in the query, not the body', async () => {
    server = await startFakeServer(() => ({ json: { result: 'HELLO', time: 0.1, parent_id: null } }));
    const out = await hostedClient(server).ocrImage(bytes('x'), { model: 'doctr' });
    expect(out.result).toBe('HELLO');
    expect(server.requests[0].path).toBe('/doctr/ocr');
    expect(server.requests[0].query).toEqual({ api_key: 'my-api-key' });
    expect(server.requests[0].json).toEqual({ image: { type: 'base64', value: b64('x') } });
  });
});
