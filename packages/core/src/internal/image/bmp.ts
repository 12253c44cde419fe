import { ImageInputError } from '../errors.js';
import type { RgbImage } from './types.js';

// sharp's prebuilt libvips has no BMP loader, yet users do send BMPs; this
// covers the uncompressed variants (1/4/8-bit palette, 16/24/32-bit, bit
// fields). RLE and embedded JPEG/PNG BMPs are refused as undecodable.

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;

interface Channel {
  shift: number;
  bits: number;
  /** Maps a channel value of `bits` bits (<= 8) to 0..255. */
  lut: Uint8Array | undefined;
}

function channelOf(mask: number): Channel {
  if (mask === 0) return { shift: 0, bits: 0, lut: undefined };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((mask >>> (shift + bits)) & 1) === 1 && shift + bits < 32) bits++;
  let lut: Uint8Array | undefined;
  if (bits < 8) {
    const max = (1 << bits) - 1;
    lut = new Uint8Array(max + 1);
    for (let v = 0; v <= max; v++) lut[v] = Math.round((v * 255) / max);
  }
  return { shift, bits, lut };
}

function channelValue(px: number, c: Channel): number {
  if (c.bits === 0) return 0;
  const v = (px >>> c.shift) & (c.bits >= 32 ? 0xffffffff : (1 << c.bits) - 1);
  return c.lut ? c.lut[v] : v >>> (c.bits - 8);
}

const fail = (message: string): never => {
  throw new ImageInputError('CORE_ERR_IMAGE_DECODE', `BMP: ${message}`);
};

/**
 * Decodes an uncompressed Windows BMP into RGB. The declared size is checked
 * against `maxPixels` before any pixel buffer is allocated.
 * @example decodeBmp(bytes, 100e6) // { data, width, height }
 */
export function decodeBmp(bytes: Uint8Array, maxPixels: number): RgbImage {
  if (bytes.length < 26) fail('header truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  if (dibSize < 40) fail('OS/2 core headers are not supported');
  if (bytes.length < 14 + dibSize) fail('header truncated');
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const colorsUsed = view.getUint32(46, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) fail(`invalid size ${width}x${rawHeight}`);
  if (width * height > maxPixels) {
    throw new ImageInputError(
      'CORE_ERR_IMAGE_TOO_LARGE',
      `BMP of ${width}x${height} exceeds the limit of ${maxPixels} pixels`,
    );
  }

  let masks: [number, number, number] | undefined;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    if (bpp !== 16 && bpp !== 32) fail(`bit fields with ${bpp} bits per pixel`);
    if (bytes.length < 66) fail('bit masks truncated');
    // The masks sit right after a 40-byte header, or inside a V2+ header: same offset either way.
    masks = [view.getUint32(54, true), view.getUint32(58, true), view.getUint32(62, true)];
  } else if (compression !== BI_RGB) {
    fail(`compression ${compression} is not supported`);
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f];
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) fail(`${bpp} bits per pixel is not supported`);

  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length) fail('pixel data truncated');

  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const count = colorsUsed || 1 << bpp;
    const start = 14 + dibSize;
    if (count > 256 || start + count * 4 > pixelOffset) fail('palette truncated');
    palette = new Uint8Array(256 * 3); // unused entries stay black, so bad indices cannot read out of range
    for (let i = 0; i < count; i++) {
      palette[i * 3] = bytes[start + i * 4 + 2];
      palette[i * 3 + 1] = bytes[start + i * 4 + 1];
      palette[i * 3 + 2] = bytes[start + i * 4];
    }
  }

  const out = new Uint8Array(width * height * 3);
  const [r, g, b] = masks ? masks.map(channelOf) : [];
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * 3;
    if (bpp === 24 || (bpp === 32 && !masks)) {
      const step = bpp >> 3;
      for (let x = 0, i = row; x < width; x++, i += step, o += 3) {
        out[o] = bytes[i + 2];
        out[o + 1] = bytes[i + 1];
        out[o + 2] = bytes[i];
      }
    } else if (masks) {
      for (let x = 0; x < width; x++, o += 3) {
        const px = bpp === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        out[o] = channelValue(px, r);
        out[o + 1] = channelValue(px, g);
        out[o + 2] = channelValue(px, b);
      }
    } else if (palette) {
      const perByte = 8 / bpp;
      const mask = (1 << bpp) - 1;
      for (let x = 0; x < width; x++, o += 3) {
        const byte = bytes[row + Math.floor(x / perByte)];
        const index = (byte >> (8 - bpp * ((x % perByte) + 1))) & mask;
        out[o] = palette[index * 3];
        out[o + 1] = palette[index * 3 + 1];
        out[o + 2] = palette[index * 3 + 2];
      }
    }
  }
  return { data: out, width, height };
}
