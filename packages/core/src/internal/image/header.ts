import type { EncodedImageFormat } from './signature.js';

/** What a header says before any pixel is decoded: the stored size and the EXIF orientation (1 when absent). */
export interface ImageHeader {
  width: number;
  height: number;
  orientation: number;
}

// Reading the size here saves a second libvips pipeline (sharp's metadata()) on every request.
// Only plain, unambiguous headers are read; anything unusual returns undefined and the caller
// asks sharp, so the answer is always libvips' own.

const be16 = (b: Uint8Array, i: number): number => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number): number =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

/** Start-of-frame markers that carry the frame size (C4 DHT, C8 JPG and CC DAC do not). */
function isStartOfFrame(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

/**
 * The orientation tag (0x0112) of IFD0 in an APP1 Exif payload (`at`: the TIFF header),
 * 1 when the tag is absent, undefined when the block is malformed.
 */
function exifOrientation(b: Uint8Array, at: number, end: number): number | undefined {
  if (end - at < 8) return undefined;
  const little = b[at] === 0x49 && b[at + 1] === 0x49;
  if (!little && !(b[at] === 0x4d && b[at + 1] === 0x4d)) return undefined;
  const u16 = (i: number) => (little ? b[i] | (b[i + 1] << 8) : be16(b, i));
  const u32 = (i: number) =>
    little ? (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0 : be32(b, i);
  if (u16(at + 2) !== 42) return undefined;
  const ifd = at + u32(at + 4);
  if (ifd + 2 > end) return undefined;
  const count = u16(ifd);
  if (ifd + 2 + count * 12 > end) return undefined;
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + k * 12;
    if (u16(e) !== 0x0112) continue;
    // SHORT, one value: anything else is left to libvips
    if (u16(e + 2) !== 3 || u32(e + 4) !== 1) return undefined;
    const v = u16(e + 8);
    return v >= 1 && v <= 8 ? v : undefined;
  }
  return 1;
}

/** JPEG: the first start-of-frame segment, and the orientation of the one APP1 Exif segment before it. */
function jpegHeader(b: Uint8Array): ImageHeader | undefined {
  let i = 2;
  let orientation = 1;
  let exifSeen = false;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined; // garbage between segments: libjpeg's call
    let m = b[i + 1];
    while (m === 0xff && i + 2 < b.length) m = b[++i + 1]; // fill bytes
    i += 2;
    if (m === 0x01 || (m >= 0xd0 && m <= 0xd7)) continue; // no payload
    if (m === 0xd9 || m === 0xda || i + 2 > b.length) return undefined; // image data before any frame
    const length = be16(b, i);
    const end = i + length;
    if (length < 2 || end > b.length) return undefined;
    if (isStartOfFrame(m)) {
      if (length < 8) return undefined;
      const height = be16(b, i + 3);
      const width = be16(b, i + 5);
      // height 0: the size comes later in a DNL marker
      return width > 0 && height > 0 ? { width, height, orientation } : undefined;
    }
    if (
      m === 0xe1 &&
      length >= 8 &&
      b[i + 2] === 0x45 &&
      be32(b, i + 2) === 0x45786966 &&
      be16(b, i + 6) === 0
    ) {
      // "Exif\0\0": libvips keeps the last such segment; more than one is left to it
      if (exifSeen) return undefined;
      exifSeen = true;
      const o = exifOrientation(b, i + 8, end);
      if (o === undefined) return undefined;
      orientation = o;
    }
    i = end;
  }
  return undefined;
}

/** PNG: IHDR's size; a file with an eXIf chunk (it may carry an orientation) is left to libvips. */
function pngHeader(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 33 || be32(b, 8) !== 13 || be32(b, 12) !== 0x49484452) return undefined; // IHDR
  const width = be32(b, 16);
  const height = be32(b, 20);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return undefined;
  for (let i = 33; ; ) {
    if (i + 8 > b.length) return undefined;
    const type = be32(b, i + 4);
    if (type === 0x65584966) return undefined; // eXIf
    if (type === 0x49444154) return { width, height, orientation: 1 }; // IDAT: no eXIf before the pixels
    i += 12 + be32(b, i);
  }
}

/** BMP: the DIB header's size (rows may be stored top-down: a negative height); no orientation. */
function bmpHeader(b: Uint8Array): ImageHeader | undefined {
  if (b.length < 26) return undefined;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { width: view.getInt32(18, true), height: Math.abs(view.getInt32(22, true)), orientation: 1 };
}

/**
 * The size and EXIF orientation from a JPEG, PNG or BMP header, read in place
 * (nothing is copied or decoded); undefined for other formats and for
 * headers that are not plain, which the caller then reads with sharp.
 * @example readImageHeader(readFileSync('dog.jpg'), 'jpeg') // { width: 768, height: 576, orientation: 1 }
 */
export function readImageHeader(bytes: Uint8Array, format: EncodedImageFormat): ImageHeader | undefined {
  if (format === 'jpeg') return jpegHeader(bytes);
  if (format === 'png') return pngHeader(bytes);
  if (format === 'bmp') return bmpHeader(bytes);
  return undefined;
}
