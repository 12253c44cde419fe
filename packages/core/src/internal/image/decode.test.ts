import { crc32 } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia } from '../../../../../testing/shared.js';
import { ImageInputError } from '../errors.js';
import { decodeBmp } from './bmp.js';
import { decodeImageBytes } from './decode.js';
import { loadImage } from './load-image.js';
import { sniffImageFormat } from './signature.js';
import type { RgbImage } from './types.js';

const COLOUR = [220, 30, 60] as const;

function solid(width: number, height: number, rgb: readonly number[] = COLOUR): Sharp {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return sharp(data, { raw: { width, height, channels: 3 } });
}

function meanColour(image: RgbImage): number[] {
  const sum = [0, 0, 0];
  for (let i = 0; i < image.data.length; i++) sum[i % 3] += image.data[i];
  const n = image.width * image.height;
  return sum.map((s) => s / n);
}

function pixel(image: RgbImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 3;
  return Array.from(image.data.subarray(i, i + 3));
}

/** Expects `promise` to reject with an ImageInputError carrying `code`. */
async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected ${code}`).toBeInstanceOf(ImageInputError);
  expect((err as ImageInputError).code).toBe(code);
}

interface BmpSpec {
  width: number;
  height: number;
  bpp: 8 | 16 | 24 | 32;
  topDown?: boolean;
  /** RGB of pixel (x, y), y counted from the top. */
  colour: (x: number, y: number) => readonly [number, number, number];
}

/** Builds an uncompressed BMP by hand (BITMAPINFOHEADER; 16-bit uses RGB565 bit fields). */
function buildBmp(spec: BmpSpec): Buffer {
  const { width, height, bpp } = spec;
  const palette: number[][] = [];
  const index = new Map<string, number>();
  if (bpp === 8) {
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const c = spec.colour(x, y);
        if (!index.has(c.join())) {
          index.set(c.join(), palette.length);
          palette.push([...c]);
        }
      }
  }
  const masksSize = bpp === 16 ? 12 : 0;
  const paletteSize = palette.length * 4;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const offset = 54 + masksSize + paletteSize;
  const buf = Buffer.alloc(offset + stride * height);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(spec.topDown ? -height : height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(bpp, 28);
  buf.writeUInt32LE(bpp === 16 ? 3 : 0, 30);
  buf.writeUInt32LE(palette.length, 46);
  if (bpp === 16) {
    buf.writeUInt32LE(0xf800, 54);
    buf.writeUInt32LE(0x07e0, 58);
    buf.writeUInt32LE(0x001f, 62);
  }
  for (const [i, [r, g, b]] of palette.entries()) buf.set([b, g, r, 0], 54 + i * 4);
  for (let y = 0; y < height; y++) {
    const row = offset + (spec.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = spec.colour(x, y);
      if (bpp === 8) buf[row + x] = index.get([r, g, b].join())!;
      else if (bpp === 16) buf.writeUInt16LE(((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3), row + x * 2);
      else buf.set(bpp === 24 ? [b, g, r] : [b, g, r, 255], row + x * (bpp / 8));
    }
  }
  return buf;
}

/** A PNG whose header declares `width` x `height` but carries almost no data (decompression bomb shape). */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('decodeImageBytes: formats', () => {
  const cases: Array<{ name: string; make: () => Promise<Buffer>; tolerance: number }> = [
    { name: 'png', make: () => solid(24, 16).png().toBuffer(), tolerance: 0 },
    { name: 'jpeg', make: () => solid(24, 16).jpeg({ quality: 95 }).toBuffer(), tolerance: 8 },
    { name: 'webp', make: () => solid(24, 16).webp({ lossless: true }).toBuffer(), tolerance: 0 },
    { name: 'gif', make: () => solid(24, 16).gif().toBuffer(), tolerance: 8 },
    { name: 'tiff', make: () => solid(24, 16).tiff({ compression: 'lzw' }).toBuffer(), tolerance: 0 },
    { name: 'avif', make: () => solid(24, 16).avif({ quality: 90 }).toBuffer(), tolerance: 10 },
    {
      name: 'bmp',
      make: async () => buildBmp({ width: 24, height: 16, bpp: 24, colour: () => COLOUR }),
      tolerance: 0,
    },
  ];
  it.each(cases)('$name decodes to 24x16 of the right colour', async ({ name, make, tolerance }) => {
    const bytes = await make();
    expect(sniffImageFormat(bytes)).toBe(name);
    const image = await decodeImageBytes(bytes);
    expect([image.width, image.height, image.data.length]).toEqual([24, 16, 24 * 16 * 3]);
    for (const [c, v] of meanColour(image).entries()) {
      expect(Math.abs(v - COLOUR[c])).toBeLessThanOrEqual(tolerance);
    }
  });

  it('takes the first frame of an animated GIF', async () => {
    const frames = Buffer.concat([
      await solid(8, 8, [255, 0, 0]).raw().toBuffer(),
      await solid(8, 8, [0, 0, 255]).raw().toBuffer(),
    ]);
    const gif = await sharp(frames, { raw: { width: 8, height: 16, channels: 3, pageHeight: 8 } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const image = await decodeImageBytes(gif);
    expect([image.width, image.height]).toEqual([8, 8]);
    expect(pixel(image, 4, 4)).toEqual([255, 0, 0]);
  });

  it('widens single-channel greyscale to 3 equal channels', async () => {
    const grey = await sharp(Buffer.alloc(6 * 4, 77), { raw: { width: 6, height: 4, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    expect((await sharp(grey).metadata()).channels).toBe(1);
    const image = await decodeImageBytes(grey);
    expect(image.data.length).toBe(6 * 4 * 3);
    expect(Array.from(new Set(image.data))).toEqual([77]);
  });

  it('drops alpha without blending, as OpenCV does', async () => {
    const rgba = Buffer.alloc(4 * 4 * 4);
    for (let i = 0; i < rgba.length; i += 4) rgba.set([200, 100, 50, i === 0 ? 0 : 128], i);
    const png = await sharp(rgba, { raw: { width: 4, height: 4, channels: 4 } })
      .png()
      .toBuffer();
    const image = await decodeImageBytes(png);
    expect(image.data.length).toBe(4 * 4 * 3);
    expect(pixel(image, 0, 0)).toEqual([200, 100, 50]);
    expect(pixel(image, 3, 3)).toEqual([200, 100, 50]);
  });

  it('reduces 16-bit PNG to 8 bits', async () => {
    const png16 = await solid(4, 4, [200, 100, 50]).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    expect(pixel(await decodeImageBytes(png16), 1, 1)).toEqual([200, 100, 50]);
  });
});

describe('decodeImageBytes: EXIF orientation', () => {
  // Stored 32x16: left half red, right half blue. Orientation 6 means "rotate 90° clockwise to display".
  const makeJpeg = async (): Promise<Buffer> => {
    const raw = Buffer.alloc(32 * 16 * 3);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 32; x++) raw.set(x < 16 ? [255, 0, 0] : [0, 0, 255], (y * 32 + x) * 3);
    return sharp(raw, { raw: { width: 32, height: 16, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
  };

  it('is applied by default: sizes swap and the left half becomes the top', async () => {
    const jpeg = await makeJpeg();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const image = await loadImage(jpeg);
    expect([image.width, image.height]).toEqual([16, 32]);
    const [r, , b] = pixel(image, 8, 4);
    expect(r).toBeGreaterThan(200);
    expect(b).toBeLessThan(50);
    expect(pixel(image, 8, 28)[2]).toBeGreaterThan(200);
  });

  it('is skipped with autoOrient: false', async () => {
    const image = await loadImage(await makeJpeg(), { autoOrient: false });
    expect([image.width, image.height]).toEqual([32, 16]);
    expect(pixel(image, 4, 8)[0]).toBeGreaterThan(200);
  });
});

describe('decodeImageBytes: bad bytes', () => {
  const noisy = async (format: 'jpeg' | 'png'): Promise<Buffer> => {
    const raw = Buffer.alloc(128 * 128 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
    const s = sharp(raw, { raw: { width: 128, height: 128, channels: 3 } });
    return format === 'jpeg' ? s.jpeg().toBuffer() : s.png().toBuffer();
  };
  const cases: Array<{ name: string; bytes: () => Promise<Uint8Array>; code: string }> = [
    { name: 'empty buffer', bytes: async () => Buffer.alloc(0), code: 'CORE_ERR_IMAGE_EMPTY' },
    {
      name: 'text bytes',
      bytes: async () => Buffer.from('hello, this is not an image'),
      code: 'CORE_ERR_IMAGE_DECODE',
    },
    {
      name: 'random bytes',
      bytes: async () => Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]),
      code: 'CORE_ERR_IMAGE_DECODE',
    },
    {
      name: 'SVG (not a raster format)',
      bytes: async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>'),
      code: 'CORE_ERR_IMAGE_DECODE',
    },
    {
      name: 'JPEG signature only',
      bytes: async () => Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      code: 'CORE_ERR_IMAGE_DECODE',
    },
    {
      name: 'JPEG cut at 60%',
      bytes: async () => (await noisy('jpeg')).subarray(0, 0.6 * (await noisy('jpeg')).length),
      code: 'CORE_ERR_IMAGE_DECODE',
    },
    {
      name: 'JPEG cut at 95%',
      bytes: async () => (await noisy('jpeg')).subarray(0, 0.95 * (await noisy('jpeg')).length),
      code: 'CORE_ERR_IMAGE_DECODE',
    },
    {
      name: 'PNG cut at 50%',
      bytes: async () => (await noisy('png')).subarray(0, 0.5 * (await noisy('png')).length),
      code: 'CORE_ERR_IMAGE_DECODE',
    },
    {
      name: 'PNG declaring 50000x50000',
      bytes: async () => pngDeclaring(50_000, 50_000),
      code: 'CORE_ERR_IMAGE_TOO_LARGE',
    },
    {
      name: 'BMP declaring 50000x50000',
      bytes: async () => {
        const b = buildBmp({ width: 2, height: 2, bpp: 24, colour: () => COLOUR });
        b.writeInt32LE(50_000, 18);
        b.writeInt32LE(50_000, 22);
        return b;
      },
      code: 'CORE_ERR_IMAGE_TOO_LARGE',
    },
    {
      name: 'truncated BMP',
      bytes: async () => buildBmp({ width: 16, height: 16, bpp: 24, colour: () => COLOUR }).subarray(0, 400),
      code: 'CORE_ERR_IMAGE_DECODE',
    },
  ];
  it.each(cases)('$name -> $code', async ({ bytes, code }) => {
    await expectCode(decodeImageBytes(await bytes()), code);
  });

  it('honours maxPixels and maxBytes', async () => {
    const png = await solid(20, 20).png().toBuffer();
    await expectCode(decodeImageBytes(png, { maxPixels: 399 }), 'CORE_ERR_IMAGE_TOO_LARGE');
    await expect(decodeImageBytes(png, { maxPixels: 400 })).resolves.toMatchObject({ width: 20 });
    await expectCode(decodeImageBytes(png, { maxBytes: png.length - 1 }), 'CORE_ERR_IMAGE_TOO_LARGE');
  });

  it('keeps the sharp error as cause', async () => {
    const err = await decodeImageBytes(pngDeclaring(50_000, 50_000)).catch((e: unknown) => e);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('rejects nonsensical limits', async () => {
    await expect(decodeImageBytes(Buffer.from([1]), { maxPixels: -1 })).rejects.toMatchObject({
      code: 'CORE_ERR_INVALID_PARAMETER',
    });
  });
});

describe('decodeBmp variants', () => {
  // A 5x3 pattern (odd width exercises row padding) with distinct colours per pixel.
  const colour = (x: number, y: number): [number, number, number] => [x * 50, y * 100, 255 - x * 40];
  const expected = (w: number, h: number, quantise = (c: number[]) => c): number[] => {
    const out: number[] = [];
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push(...quantise(colour(x, y)));
    return out;
  };
  it.each([
    { bpp: 24 as const, topDown: false },
    { bpp: 24 as const, topDown: true },
    { bpp: 32 as const, topDown: false },
    { bpp: 8 as const, topDown: false },
  ])('$bpp-bit, top-down $topDown, decodes exactly', ({ bpp, topDown }) => {
    const image = decodeBmp(buildBmp({ width: 5, height: 3, bpp, topDown, colour }), 1e6);
    expect([image.width, image.height]).toEqual([5, 3]);
    expect(Array.from(image.data)).toEqual(expected(5, 3));
  });

  it('16-bit RGB565 bit fields scale each channel to 0..255', () => {
    const image = decodeBmp(buildBmp({ width: 5, height: 3, bpp: 16, colour }), 1e6);
    const q = ([r, g, b]: number[]): number[] => [
      Math.round(((r >> 3) * 255) / 31),
      Math.round(((g >> 2) * 255) / 63),
      Math.round(((b >> 3) * 255) / 31),
    ];
    expect(Array.from(image.data)).toEqual(expected(5, 3, q));
  });

  it('refuses RLE compression as undecodable', () => {
    const b = buildBmp({ width: 4, height: 4, bpp: 8, colour: () => COLOUR });
    b.writeUInt32LE(1, 30);
    expect(() => decodeBmp(b, 1e6)).toThrow(expect.objectContaining({ code: 'CORE_ERR_IMAGE_DECODE' }));
  });
});

describe.skipIf(!HAS_SHARED)('shared media', () => {
  it(`decodes dog.jpg to 768x576 (${SHARED_SKIP_REASON.slice(0, 0)})`, async () => {
    const image = await loadImage(sharedMedia('dog.jpg'));
    expect([image.width, image.height, image.data.length]).toEqual([768, 576, 768 * 576 * 3]);
    const mean = meanColour(image);
    expect(Math.max(...mean)).toBeGreaterThan(30); // real content, not a black frame
  });
});
