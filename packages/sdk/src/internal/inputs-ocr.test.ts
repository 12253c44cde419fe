import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, registry, startFakeServer } from '../../test/fake-server.js';
import { InferenceHTTPClient } from './client.js';
import { InvalidInputFormatError, InvalidParameterError } from './errors.js';
import { toWireImage } from './image-input.js';

const IMAGE = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 250, 251, 252]);
const IMAGE_B64 = Buffer.from(IMAGE).toString('base64');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdk-inputs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('image inputs reach the wire as base64', () => {
  it('file path, URL (downloaded client-side), Blob, ArrayBuffer, Buffer, data URL and base64', async () => {
    server = await startFakeServer((req) => {
      if (req.path === '/images/dog.jpg') return { body: IMAGE, headers: { 'content-type': 'image/jpeg' } };
      if (req.path === '/model/registry')
        return { json: registry([{ model_id: 'coco/3', task_type: 'object-detection' }]) };
      const envelope = { image: { width: 1, height: 1 }, predictions: [], time: 0 };
      const image = (req.json as { image: unknown }).image;
      return { json: Array.isArray(image) ? image.map(() => envelope) : envelope };
    });
    const path = join(dir, 'dog.jpg');
    await writeFile(path, IMAGE);
    const inputs = [
      path,
      `${server.url}/images/dog.jpg`,
      new Blob([IMAGE], { type: 'image/jpeg' }),
      IMAGE.buffer.slice(0),
      Buffer.from(IMAGE),
      `data:image/jpeg;base64,${IMAGE_B64}`,
      IMAGE_B64,
    ];
    const client = new InferenceHTTPClient({ apiUrl: server.url, configuration: { maxBatchSize: 10 } });
    const out = await client.infer(inputs, 'coco/3');
    expect(out).toHaveLength(inputs.length);
    const sent = server.requests.find((r) => r.path === '/infer/object_detection')!.json as {
      image: unknown[];
    };
    expect(sent.image).toEqual(inputs.map(() => ({ type: 'base64', value: IMAGE_B64 })));
    // The URL was fetched by the client, from the same server.
    expect(server.requests.filter((r) => r.path === '/images/dog.jpg')).toHaveLength(1);
  });

  it('passes { type: "url" } through for the server to download', async () => {
    await expect(toWireImage({ type: 'url', value: 'https://x/y.jpg' }, fetch)).resolves.toEqual({
      type: 'url',
      value: 'https://x/y.jpg',
    });
  });

  it('rejects what is none of the above', async () => {
    await expect(toWireImage('no such file, and not base64!', fetch)).rejects.toBeInstanceOf(
      InvalidInputFormatError,
    );
    await expect(toWireImage(42 as unknown as string, fetch)).rejects.toMatchObject({
      code: 'SDK_ERR_INVALID_INPUT',
    });
    server = await startFakeServer(() => ({ status: 404, body: 'nope' }));
    await expect(toWireImage(`${server.url}/missing.jpg`, fetch)).rejects.toThrow(/HTTP 404/);
  });
});

describe('ocrImage', () => {
  const ocrReply = { result: 'ABC 123', time: 0.2, parent_id: null };

  it('posts one image per request to the model route with <model>_version_id', async () => {
    server = await startFakeServer(() => ({ json: ocrReply }));
    const c = new InferenceHTTPClient({
      apiUrl: server.url,
      apiKey: 'k',
      configuration: { maxConcurrentRequests: 2 },
    });
    expect(await c.ocrImage(IMAGE, { model: 'trocr', version: 'trocr-small-printed' })).toEqual(ocrReply);
    await c.ocrImage(IMAGE, { model: 'doctr', generateBoundingBoxes: true });
    await c.ocrImage(IMAGE, {
      model: 'easy_ocr',
      languageCodes: ['en', 'de'],
      quantize: true,
      version: 'english_g2',
    });
    await c.ocrImage(IMAGE, { model: 'pp-ocr', version: 'v5' });
    const list = await c.ocrImage([IMAGE, IMAGE, IMAGE]);
    expect(list).toEqual([ocrReply, ocrReply, ocrReply]);
    const image = { type: 'base64', value: IMAGE_B64 };
    expect(server.requests.slice(0, 4).map((r) => [r.path, r.json])).toEqual([
      ['/ocr/trocr', { image, api_key: 'k', trocr_version_id: 'trocr-small-printed' }],
      ['/doctr/ocr', { image, api_key: 'k', generate_bounding_boxes: true }],
      [
        '/easy_ocr/ocr',
        {
          image,
          api_key: 'k',
          easy_ocr_version_id: 'english_g2',
          language_codes: ['en', 'de'],
          quantize: true,
        },
      ],
      ['/ocr/pp-ocr', { image, api_key: 'k', pp_ocr_version_id: 'v5' }],
    ]);
    expect(server.requests.slice(4).map((r) => r.path)).toEqual(['/doctr/ocr', '/doctr/ocr', '/doctr/ocr']);
    expect(server.requests.every((r) => r.url === r.path)).toBe(true);
  });

  it('rejects an unknown OCR model', async () => {
    const c = new InferenceHTTPClient({ apiUrl: 'http://127.0.0.1:1' });
    await expect(c.ocrImage(IMAGE, { model: 'tesseract' as 'doctr' })).rejects.toBeInstanceOf(
      InvalidParameterError,
    );
  });
});
