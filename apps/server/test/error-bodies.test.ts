import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { encodeImage } from '@inference-ts/core';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../testing/onnx-builder.js';
import { modelFixtures, testServer } from './helpers.js';

async function tinyPng(): Promise<string> {
  const data = new Uint8Array(40 * 30 * 3).fill(90);
  return (await encodeImage({ data, width: 40, height: 30 }, 'png')).toString('base64');
}
const img = (value: string) => ({ type: 'base64', value });

/** An ISO-BMFF `ftyp` box with brand `heic` and junk after it: how an iPhone photo starts. */
const heic = () => {
  const b = Buffer.alloc(224, 7);
  b.writeUInt32BE(24, 0);
  b.write('ftypheic\0\0\0\0mif1heic', 4, 'latin1');
  return b.toString('base64');
};

/** Model files a request may point at (local paths allowed) that cannot load. */
function badModels() {
  const dir = mkdtempSync(join(tmpdir(), 'server-bad-models-'));
  const good = constantOutputModel(
    { name: 'x', shape: [1, 3, 32, 32] },
    { y: { dims: [1, 3], data: [1, 2, 3] } },
  );
  const file = (name: string, bytes: Uint8Array | string) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  return {
    notOnnx: file('text.onnx', 'this is not a model'),
    truncated: file('truncated.onnx', good.subarray(0, Math.floor(good.length / 2))),
    // a 2-D input: no image model
    wrongInput: file(
      'flat.onnx',
      constantOutputModel(
        { name: 'x', shape: [1, 10] },
        { y: { dims: [1, 84, 10], data: new Float32Array(840) } },
      ),
    ),
    // an image input, but an output no detection head fits
    wrongOutput: file(
      'odd.onnx',
      constantOutputModel(
        { name: 'x', shape: [1, 3, 32, 32] },
        { y: { dims: [1, 2, 3, 4, 5], data: new Float32Array(120) } },
      ),
    ),
  };
}

/** A logger whose lines the test can read. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe('error statuses and bodies (inject)', () => {
  let app: FastifyInstance;
  let png: string;
  const models = badModels();
  const log = capturedLogger();
  beforeAll(async () => {
    app = await testServer({ logger: log.logger });
    png = await tinyPng();
  });
  afterAll(() => app.close());
  const post = (url: string, payload: unknown) =>
    app.inject({ method: 'POST', url, payload: payload as object });

  it.each([
    ['not ONNX', 'notOnnx', /not a loadable ONNX model/],
    ['truncated', 'truncated', /not a loadable ONNX model/],
    ['2-D input', 'wrongInput', /NCHW image input/],
    ['output no head fits', 'wrongOutput', /./],
  ] as const)(
    'a model file the request named that is %s: 400 with a clear message',
    async (_what, which, cause) => {
      const r = await post('/infer/object_detection', { model_id: models[which], image: img(png) });
      expect(r.statusCode).toBe(400);
      expect(r.json().message).toMatch(/^The model ".*" cannot be loaded: /);
      expect(r.json().message).toMatch(cause);
      // the client's mistake is a warning without a stack, not an error
      const line = log.lines.findLast((l) => l.msg === 'model load failed');
      expect(line).toMatchObject({ level: 40, model: models[which] });
      expect(JSON.stringify(line)).not.toMatch(/"stack"/);
    },
  );

  it('a bad Roboflow model id: a 4xx, and the log line is a warning without a stack', async () => {
    const before = log.lines.length;
    const r = await post('/infer/object_detection', { model_id: 'no-such-project/7', image: img(png) });
    expect(r.statusCode).toBeGreaterThanOrEqual(400);
    expect(r.statusCode).toBeLessThan(500);
    const lines = log.lines.slice(before);
    expect(lines.filter((l) => (l.level as number) >= 50)).toEqual([]);
    expect(lines.find((l) => l.msg === 'model load failed')).toMatchObject({ level: 40 });
    expect(JSON.stringify(lines)).not.toMatch(/"stack"/);
  });

  it('HEIC input: 400 "HEIC is not supported"', async () => {
    const r = await post('/infer/classification', { model_id: 'classifier/1', image: img(heic()) });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/HEIC is not supported/);
  });

  it.each([
    ['undecodable bytes', img(Buffer.from('definitely not an image').toString('base64'))],
    ['HEIC', img(heic())],
    ['an unknown image type', { type: 'pickle', value: 'x' }],
    ['bad base64', img('%%%%')],
  ])('a batch with one bad image (%s) says which one, never "Unknown error"', async (_what, bad) => {
    const r = await post('/infer/classification', {
      model_id: 'classifier/1',
      image: [img(png), bad, img(png)],
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/image\[1\] of 3/);
    expect(r.json().message).not.toMatch(/unknown error/i);
  });

  it.each([
    ['/infer/object_detection', { confidence: -1 }],
    ['/infer/object_detection', { confidence: 1.5 }],
    ['/infer/object_detection', { confidence: 'NaN' }],
    ['/infer/classification', { confidence: -0.1 }],
    ['/infer/keypoints_detection', { confidence: 2 }],
  ])('%s with %j: 422', async (url, extra) => {
    const r = await post(url, { model_id: 'classifier/1', image: img(png), ...extra });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail[0].loc).toEqual(['body', 'confidence']);
  });

  it.each(['-5', '101', 'NaN'])('legacy ?confidence=%s: 422', async (c) => {
    const r = await app.inject({ method: 'POST', url: `/classifier/1?confidence=${c}`, payload: png });
    expect(r.statusCode).toBe(422);
  });

  it('a 422 does not echo a large body: the offending value is cut or described', async () => {
    const big = 'A'.repeat(2_000_000);
    const missing = await post('/infer/object_detection', { image: img(big) });
    expect(missing.statusCode).toBe(422);
    expect(missing.body.length).toBeLessThan(2048);
    expect(missing.json().detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'model_id'] });
    const wrong = await post('/infer/object_detection', {
      model_id: 'a/1',
      image: img(png),
      max_detections: big,
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body.length).toBeLessThan(2048);
    expect(wrong.json().detail[0].input).toMatch(/characters, cut\)$/);
  });

  it('while shutting down: 503 {message} with Retry-After; probes still answer', async () => {
    const other = await testServer();
    try {
      other.services.state.shuttingDown = true;
      const r = await other.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: img(png) },
      });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({ message: 'The server is shutting down.' });
      expect(r.headers['retry-after']).toBe('5');
      expect((await other.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await other.inject({ method: 'GET', url: '/readiness' })).json()).toEqual({
        status: 'not ready',
      });
    } finally {
      await other.close();
    }
  });
});

describe('socket-level client errors (a real listener)', () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = await testServer();
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(() => app.close());

  /** Writes raw bytes, resolves with everything the server answers before it closes. */
  const raw = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const sock = connect(port, '127.0.0.1', () => sock.write(bytes));
      let got = '';
      sock.on('data', (d) => {
        got += d.toString();
      });
      sock.on('close', () => resolve(got));
      sock.on('error', reject);
    });

  it.each([
    [
      'oversized headers',
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
      431,
      'The request headers are larger than the server accepts.',
    ],
    ['a malformed request line', 'NOT HTTP AT ALL\r\n\r\n', 400, 'The HTTP request is malformed.'],
  ])('%s: the documented {message} body', async (_what, bytes, status, message) => {
    const answer = await raw(bytes);
    expect(answer.startsWith(`HTTP/1.1 ${status} `)).toBe(true);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ message });
  });
});

describe('CORS: credentials only for an explicit list of origins', () => {
  const preflight = (app: FastifyInstance, origin: string) =>
    app.inject({
      method: 'OPTIONS',
      url: '/infer/classification',
      headers: { origin, 'access-control-request-method': 'POST' },
    });

  it('the default (*) answers a literal * and never allows credentials', async () => {
    const app = await testServer();
    try {
      for (const r of [
        await preflight(app, 'https://evil.example'),
        await app.inject({ method: 'GET', url: '/info', headers: { origin: 'https://evil.example' } }),
      ]) {
        expect(r.headers['access-control-allow-origin']).toBe('*');
        expect(r.headers['access-control-allow-credentials']).toBeUndefined();
      }
    } finally {
      await app.close();
    }
  });

  it('a listed origin is echoed with credentials; any other gets no CORS headers', async () => {
    const app = await testServer({ corsOrigins: ['https://app.example.com'] });
    try {
      const ok = await app.inject({
        method: 'GET',
        url: '/info',
        headers: { origin: 'https://app.example.com' },
      });
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(ok.headers['access-control-allow-credentials']).toBe('true');
      expect(ok.headers.vary).toMatch(/origin/i);
      for (const r of [
        await preflight(app, 'https://evil.example'),
        await app.inject({ method: 'GET', url: '/info', headers: { origin: 'https://evil.example' } }),
      ]) {
        expect(r.headers['access-control-allow-origin']).toBeUndefined();
        expect(r.headers['access-control-allow-credentials']).toBeUndefined();
      }
    } finally {
      await app.close();
    }
  });
});

// keep the fixtures' temp folder alive for the whole file
modelFixtures();

describe('atImage', () => {
  it('names the image and never passes on a bare "Unknown error"', async () => {
    const { atImage } = await import('../src/internal/inference/image-errors.js');
    const { InferenceError } = await import('@inference-ts/core');
    const e = atImage(
      new InferenceError('CORE_ERR_IMAGE_DECODE', 'The image cannot be decoded: Unknown error'),
      2,
      4,
    );
    expect(e).toMatchObject({ code: 'CORE_ERR_IMAGE_DECODE', status: 400 });
    expect((e as Error).message).toBe(
      'image[2] of 4: The image cannot be decoded: the decoder gave no reason (corrupt or unsupported data)',
    );
    expect((atImage(new Error('Unknown error'), 0, 2) as Error).message).toBe(
      'image[0] of 2: the image could not be read',
    );
  });
});
