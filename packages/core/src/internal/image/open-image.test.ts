import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageInputError } from '../errors.js';
import { decodeImageBytes } from './decode.js';
import { openImage } from './open-image.js';
import type { DecodeHint, RgbImage } from './types.js';

const HINT: DecodeHint = { width: 640, height: 640, fit: 'contain' };

/** A horizontal gradient, so a wrong resample shows in the mean of each half. */
function gradient(width: number, height: number): Sharp {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = Math.round((255 * x) / (width - 1));
      data[i + 1] = 128;
      data[i + 2] = 255 - data[i];
    }
  return sharp(data, { raw: { width, height, channels: 3 } });
}

function halfMeans(image: RgbImage): [number, number] {
  const sums = [0, 0];
  const counts = [0, 0];
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++) {
      const half = x < image.width / 2 ? 0 : 1;
      sums[half] += image.data[(y * image.width + x) * 3];
      counts[half]++;
    }
  return [sums[0] / counts[0], sums[1] / counts[1]];
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  return e instanceof ImageInputError ? e.code : undefined;
}

describe('openImage', () => {
  it('reports the size from the header and decodes a large PNG straight to a smaller size', async () => {
    const png = await gradient(2000, 1000).png().toBuffer();
    const pending = await openImage(png, { decodeHint: HINT });
    expect([pending.width, pending.height]).toEqual([2000, 1000]);
    // room 2000/640 = 3.1: a box shrink by 3 keeps at least the network's 640 pixels across
    expect(pending.decodedPixels).toBe(667 * 334);
    const image = await pending.decode();
    expect([image.width, image.height, image.sourceWidth, image.sourceHeight]).toEqual([
      667, 334, 2000, 1000,
    ]);
    expect(image.data.length).toBe(667 * 334 * 3);
    const full = await decodeImageBytes(png);
    const [a, b] = halfMeans(image);
    const [fa, fb] = halfMeans(full);
    expect(Math.abs(a - fa)).toBeLessThan(1);
    expect(Math.abs(b - fb)).toBeLessThan(1);
  });

  it('keeps the full size without a hint, or when the image is not twice the network size', async () => {
    const png = await gradient(1000, 600).png().toBuffer();
    const plain = await openImage(png);
    expect(plain.decodedPixels).toBe(1000 * 600);
    const near = await openImage(png, { decodeHint: HINT });
    expect(near.decodedPixels).toBe(1000 * 600);
    const image = await near.decode();
    expect([image.width, image.height, image.sourceWidth]).toEqual([1000, 600, undefined]);
  });

  it('keeps JPEG on libjpeg DCT scales (1/2, 1/4, 1/8)', async () => {
    const jpeg = await gradient(2600, 1300).jpeg().toBuffer();
    const pending = await openImage(jpeg, { decodeHint: HINT });
    expect(pending.decodedPixels).toBe(650 * 325);
    const image = await pending.decode();
    expect([image.width, image.height, image.sourceWidth]).toEqual([650, 325, 2600]);
  });

  it('swaps width and height for EXIF orientations that rotate by 90 degrees', async () => {
    const jpeg = await gradient(300, 100).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const pending = await openImage(jpeg);
    expect([pending.width, pending.height]).toEqual([100, 300]);
    const turned = await openImage(jpeg, { autoOrient: false });
    expect([turned.width, turned.height]).toEqual([300, 100]);
  });

  it('refuses an image over maxPixels from its header, before decoding it', async () => {
    // 6000x6000 of zeros compresses to a few KB: the decode would take 108 MB
    const bomb = await sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect(bomb.length).toBeLessThan(200_000);
    expect(await codeOf(openImage(bomb, { maxPixels: 1_000_000 }))).toBe('CORE_ERR_IMAGE_TOO_LARGE');
  });

  it('charges maxPixels for an unreadable header and lets the decode say why', async () => {
    const broken = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(64, 7)]);
    const pending = await openImage(broken, { maxPixels: 5_000_000 });
    expect(pending.decodedPixels).toBe(5_000_000);
    expect(await codeOf(pending.decode())).toBe('CORE_ERR_IMAGE_DECODE');
  });

  it('reports the size of raw frames, which are pixels already', async () => {
    const frame = { data: new Uint8Array(4 * 2 * 3), width: 4, height: 2, format: 'bgr' as const };
    const pending = await openImage(frame);
    expect(pending.decodedPixels).toBe(8);
    expect((await pending.decode()).width).toBe(4);
  });
});
