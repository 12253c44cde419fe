import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_DIR, SHARED_SKIP_REASON } from '../../../../../testing/shared.js';
import { ImageInputError } from '../errors.js';
import { readImageHeader } from './header.js';
import { openImage } from './open-image.js';

/** What sharp (libvips) reports for the same bytes: the reference the in-place reader must match. */
async function sharpSays(bytes: Uint8Array) {
  const m = await sharp(bytes).metadata();
  return { width: m.width, height: m.height, orientation: m.orientation ?? 1 };
}

const noise = (w: number, h: number, channels: 1 | 3 = 3) => {
  const raw = Buffer.alloc(w * h * channels);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251;
  return sharp(raw, { raw: { width: w, height: h, channels } });
};

/** A PNG chunk (the CRC is not checked by the header reader, nor needed here). */
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
};

/** Offset of the first start-of-frame segment's length field in a JPEG. */
function sofAt(jpeg: Buffer): number {
  let i = 2;
  for (;;) {
    const m = jpeg[i + 1];
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return i + 2;
    i += 2 + jpeg.readUInt16BE(i + 2);
  }
}

describe('readImageHeader', () => {
  it('reads what sharp reads from JPEGs: baseline, progressive, greyscale, every EXIF orientation', async () => {
    const variants: Buffer[] = [
      await noise(33, 17).jpeg().toBuffer(),
      await noise(33, 17).jpeg({ progressive: true }).toBuffer(),
      await noise(20, 31, 1).jpeg().toBuffer(),
      await noise(40, 24).jpeg({ mozjpeg: true }).toBuffer(),
      await noise(40, 24).jpeg().withIccProfile('p3').toBuffer(),
    ];
    for (let o = 1; o <= 8; o++)
      variants.push(await noise(30, 10).jpeg().withMetadata({ orientation: o }).toBuffer());
    for (const bytes of variants) {
      const header = readImageHeader(bytes, 'jpeg');
      expect(header).toBeDefined();
      expect(header).toEqual(await sharpSays(bytes));
    }
  });

  it('reads what sharp reads from PNGs (colour, greyscale, alpha, interlaced)', async () => {
    const variants = [
      await noise(33, 17).png().toBuffer(),
      await noise(5, 300, 1).png().toBuffer(),
      await noise(64, 2).ensureAlpha().png({ progressive: true }).toBuffer(),
    ];
    for (const bytes of variants) expect(readImageHeader(bytes, 'png')).toEqual(await sharpSays(bytes));
  });

  it.skipIf(!HAS_SHARED)('reads every shared photo as sharp does', async () => {
    if (!HAS_SHARED) console.log(SHARED_SKIP_REASON);
    const dir = join(SHARED_DIR, 'media');
    const photos = readdirSync(dir).filter((f) => f.endsWith('.jpg'));
    expect(photos.length).toBeGreaterThan(5);
    for (const f of photos) {
      const bytes = readFileSync(join(dir, f));
      expect(readImageHeader(bytes, 'jpeg'), f).toEqual(await sharpSays(bytes));
    }
  });

  it('leaves unusual headers to sharp: no frame yet, DNL height, two Exif blocks, a PNG eXIf chunk, other formats', async () => {
    const jpeg = await noise(30, 10).jpeg().toBuffer();
    expect(readImageHeader(jpeg.subarray(0, sofAt(jpeg) - 2), 'jpeg')).toBeUndefined();
    const dnl = Buffer.from(jpeg);
    dnl.writeUInt16BE(0, sofAt(jpeg) + 3);
    expect(readImageHeader(dnl, 'jpeg')).toBeUndefined();
    const rotated = await noise(30, 10).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const app1 = rotated.indexOf(Buffer.from('Exif\0\0', 'latin1')) - 4;
    const len = rotated.readUInt16BE(app1 + 2);
    const twice = Buffer.concat([
      rotated.subarray(0, app1 + 2 + len),
      rotated.subarray(app1, app1 + 2 + len),
      rotated.subarray(app1 + 2 + len),
    ]);
    expect(readImageHeader(twice, 'jpeg')).toBeUndefined();
    const png = await noise(8, 8).png().toBuffer();
    const withExif = Buffer.concat([png.subarray(0, 33), chunk('eXIf', Buffer.alloc(16)), png.subarray(33)]);
    expect(readImageHeader(withExif, 'png')).toBeUndefined();
    expect(readImageHeader(await noise(8, 8).webp().toBuffer(), 'webp')).toBeUndefined();
  });

  it('lets openImage refuse a JPEG declaring 60000x60000 from its header, before decoding it', async () => {
    const bomb = Buffer.from(await noise(16, 16).jpeg().toBuffer());
    bomb.writeUInt16BE(60_000, sofAt(bomb) + 3);
    bomb.writeUInt16BE(60_000, sofAt(bomb) + 5);
    expect(readImageHeader(bomb, 'jpeg')).toMatchObject({ width: 60_000, height: 60_000 });
    const err = await openImage(bomb, { maxPixels: 100_000_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageInputError);
    expect((err as ImageInputError).code).toBe('CORE_ERR_IMAGE_TOO_LARGE');
  });
});
