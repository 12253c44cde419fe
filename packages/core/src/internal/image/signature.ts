/** Encoded formats `loadImage` accepts, recognised by their leading bytes. */
export type EncodedImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'bmp' | 'avif' | 'heif';

/** DIB header sizes of real BMP variants; checking one makes the two-byte `BM` magic trustworthy. */
const BMP_DIB_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

function ascii(b: Uint8Array, at: number, text: string): boolean {
  if (b.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Recognises an encoded image by its magic bytes (needs the first 16 bytes or
 * so). Anything else, including SVG and other text formats sharp could read,
 * is refused upstream: raster formats only, as OpenCV's `imdecode` would.
 * @example sniffImageFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0])) // 'jpeg'
 */
export function sniffImageFormat(b: Uint8Array): EncodedImageFormat | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(b, 0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return 'gif';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'webp';
  if (ascii(b, 0, 'II*\0') || ascii(b, 0, 'MM\0*') || ascii(b, 0, 'II+\0') || ascii(b, 0, 'MM\0+'))
    return 'tiff';
  if (ascii(b, 0, 'BM') && b.length >= 18) {
    const dib = b[14] | (b[15] << 8) | (b[16] << 16) | (b[17] << 24);
    if (BMP_DIB_SIZES.has(dib)) return 'bmp';
  }
  if (ascii(b, 4, 'ftyp') && b.length >= 12) {
    const brand = String.fromCharCode(b[8], b[9], b[10], b[11]);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return 'heif';
  }
  return undefined;
}
