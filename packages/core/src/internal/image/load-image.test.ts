import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImageInputError } from '../errors.js';
import { encodeImage } from './encode.js';
import { loadImage } from './load-image.js';
import type { ImageInput, ImageLoadOptions, RgbImage } from './types.js';

let dir: string;
let png: Buffer;
let pngPath: string;
let b64: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'image-load-'));
  png = await sharp({ create: { width: 5, height: 3, channels: 3, background: { r: 10, g: 20, b: 30 } } })
    .png()
    .toBuffer();
  pngPath = join(dir, 'small.png');
  writeFileSync(pngPath, png);
  writeFileSync(join(dir, 'empty.png'), Buffer.alloc(0));
  writeFileSync(join(dir, 'notes.txt'), 'plain text');
  b64 = png.toString('base64');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function codeOf(input: unknown, options?: ImageLoadOptions): Promise<string> {
  const err = await loadImage(input as ImageInput, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a rejection').toBeInstanceOf(ImageInputError);
  return (err as ImageInputError).code;
}

const expectSmall = (image: RgbImage): void => {
  expect([image.width, image.height]).toEqual([5, 3]);
  expect(Array.from(image.data.subarray(0, 3))).toEqual([10, 20, 30]);
};

describe('loadImage: accepted inputs', () => {
  const inputs: Array<{ name: string; input: () => ImageInput }> = [
    { name: 'Buffer', input: () => png },
    { name: 'Uint8Array view', input: () => new Uint8Array(png.buffer, png.byteOffset, png.length) },
    { name: 'file path', input: () => pngPath },
    { name: 'file: URL object', input: () => pathToFileURL(pngPath) },
    { name: 'file:// URL string', input: () => pathToFileURL(pngPath).href },
    { name: 'plain base64', input: () => b64 },
    { name: 'data: URL', input: () => `data:image/png;base64,${b64}` },
    { name: 'data: URL, other media type', input: () => `data:application/octet-stream;base64,${b64}` },
    { name: 'base64 wrapped at 76 columns', input: () => b64.replace(/.{76}/g, '$&\n') },
    { name: 'URL-safe base64 without padding', input: () => png.toString('base64url') },
  ];
  it.each(inputs)('$name', async ({ input }) => {
    expectSmall(await loadImage(input()));
  });

  it('converts a raw frame and passes an RgbImage through', async () => {
    const bgr = await loadImage({ data: Uint8Array.of(30, 20, 10), width: 1, height: 1, format: 'bgr' });
    expect(Array.from(bgr.data)).toEqual([10, 20, 30]);
    const rgb: RgbImage = { data: new Uint8Array(6), width: 2, height: 1 };
    expect(await loadImage(rgb)).toBe(rgb);
  });
});

describe('loadImage: bad inputs', () => {
  const cases: Array<{ name: string; input: () => unknown; options?: ImageLoadOptions; code: string }> = [
    { name: 'empty Buffer', input: () => Buffer.alloc(0), code: 'CORE_ERR_IMAGE_EMPTY' },
    { name: 'empty string', input: () => '', code: 'CORE_ERR_IMAGE_EMPTY' },
    { name: 'blank string', input: () => '  \n ', code: 'CORE_ERR_IMAGE_EMPTY' },
    { name: 'empty data: URL', input: () => 'data:image/png;base64,', code: 'CORE_ERR_IMAGE_EMPTY' },
    { name: 'data: URL without ;base64', input: () => 'data:image/png,abcd', code: 'CORE_ERR_IMAGE_BASE64' },
    {
      name: 'data: URL with bad base64',
      input: () => 'data:image/png;base64,%%%!',
      code: 'CORE_ERR_IMAGE_BASE64',
    },
    { name: 'invalid base64 text', input: () => 'this is not base64!!', code: 'CORE_ERR_IMAGE_BASE64' },
    {
      name: 'valid base64 of text',
      input: () => Buffer.from('hello world, not an image').toString('base64'),
      code: 'CORE_ERR_IMAGE_DECODE',
    },
    { name: 'truncated base64 PNG', input: () => b64.slice(0, 40), code: 'CORE_ERR_IMAGE_DECODE' },
    { name: 'missing file', input: () => join(dir, 'nope.jpg'), code: 'CORE_ERR_IMAGE_FILE' },
    { name: 'missing relative file', input: () => 'images/nope.png', code: 'CORE_ERR_IMAGE_FILE' },
    { name: 'directory path', input: () => dir, code: 'CORE_ERR_IMAGE_FILE' },
    { name: 'empty file', input: () => join(dir, 'empty.png'), code: 'CORE_ERR_IMAGE_EMPTY' },
    { name: 'text file', input: () => join(dir, 'notes.txt'), code: 'CORE_ERR_IMAGE_DECODE' },
    {
      name: 'file over maxBytes',
      input: () => pngPath,
      options: { maxBytes: 10 },
      code: 'CORE_ERR_IMAGE_TOO_LARGE',
    },
    {
      name: 'base64 over maxBytes',
      input: () => b64,
      options: { maxBytes: 10 },
      code: 'CORE_ERR_IMAGE_TOO_LARGE',
    },
    { name: 'unsupported scheme', input: () => 'ftp://example.com/a.png', code: 'CORE_ERR_IMAGE_URL' },
    {
      name: 'file path, files off',
      input: () => pngPath,
      options: { allow: { file: false } },
      code: 'CORE_ERR_IMAGE_INPUT_TYPE',
    },
    {
      name: 'text, files off',
      input: () => 'not base64 at all!',
      options: { allow: { file: false } },
      code: 'CORE_ERR_IMAGE_BASE64',
    },
    {
      name: 'file URL, files off',
      input: () => pathToFileURL(pngPath),
      options: { allow: { file: false } },
      code: 'CORE_ERR_IMAGE_INPUT_TYPE',
    },
    {
      name: 'base64, base64 off',
      input: () => b64,
      options: { allow: { base64: false } },
      code: 'CORE_ERR_IMAGE_INPUT_TYPE',
    },
    {
      name: 'data: URL, base64 off',
      input: () => `data:image/png;base64,${b64}`,
      options: { allow: { base64: false } },
      code: 'CORE_ERR_IMAGE_INPUT_TYPE',
    },
    {
      name: 'path, files and base64 off',
      input: () => pngPath,
      options: { allow: { file: false, base64: false } },
      code: 'CORE_ERR_IMAGE_INPUT_TYPE',
    },
    { name: 'number', input: () => 42, code: 'CORE_ERR_IMAGE_INPUT_TYPE' },
    { name: 'null', input: () => null, code: 'CORE_ERR_IMAGE_INPUT_TYPE' },
    { name: 'undefined', input: () => undefined, code: 'CORE_ERR_IMAGE_INPUT_TYPE' },
    { name: 'plain object', input: () => ({ foo: 1 }), code: 'CORE_ERR_IMAGE_INPUT_TYPE' },
    { name: 'array of bytes', input: () => [255, 216, 255], code: 'CORE_ERR_IMAGE_INPUT_TYPE' },
    { name: 'ArrayBuffer', input: () => new ArrayBuffer(8), code: 'CORE_ERR_IMAGE_INPUT_TYPE' },
    {
      name: 'raw frame of wrong length',
      input: () => ({ data: new Uint8Array(5), width: 1, height: 1, format: 'rgb' }),
      code: 'CORE_ERR_IMAGE_RAW_FRAME',
    },
    {
      name: 'RgbImage of wrong length',
      input: () => ({ data: new Uint8Array(5), width: 1, height: 1 }),
      code: 'CORE_ERR_IMAGE_RAW_FRAME',
    },
    {
      name: 'RgbImage with string data',
      input: () => ({ data: 'abc', width: 1, height: 1 }),
      code: 'CORE_ERR_IMAGE_RAW_FRAME',
    },
  ];
  it.each(cases)('$name -> $code', async ({ input, options, code }) => {
    expect(await codeOf(input(), options)).toBe(code);
  });

  it('rejects invalid options as a parameter error, not a crash', async () => {
    await expect(loadImage(png, { maxBytes: Number.NaN })).rejects.toMatchObject({
      code: 'CORE_ERR_INVALID_PARAMETER',
    });
  });
});

describe('encodeImage', () => {
  const image: RgbImage = { data: new Uint8Array(8 * 4 * 3).fill(128), width: 8, height: 4 };

  it('round-trips PNG exactly and JPEG closely', async () => {
    const fromPng = await loadImage(await encodeImage(image, 'png'));
    expect(Array.from(fromPng.data)).toEqual(Array.from(image.data));
    const jpeg = await encodeImage(image, 'jpeg', 95);
    expect(Array.from(jpeg.subarray(0, 3))).toEqual([0xff, 0xd8, 0xff]);
    const fromJpeg = await loadImage(jpeg);
    expect([fromJpeg.width, fromJpeg.height]).toEqual([8, 4]);
    for (const v of fromJpeg.data) expect(Math.abs(v - 128)).toBeLessThanOrEqual(2);
  });

  it('rejects bad quality and inconsistent images', async () => {
    await expect(encodeImage(image, 'jpeg', 0)).rejects.toMatchObject({ code: 'CORE_ERR_INVALID_PARAMETER' });
    await expect(encodeImage(image, 'gif' as 'png')).rejects.toMatchObject({
      code: 'CORE_ERR_INVALID_PARAMETER',
    });
    await expect(encodeImage({ ...image, width: 9 }, 'png')).rejects.toMatchObject({
      code: 'CORE_ERR_IMAGE_RAW_FRAME',
    });
  });
});
