import sharp from 'sharp';
import { ImageInputError } from '../errors.js';
import { type ImageHeader, readImageHeader } from './header.js';
import type { ResolvedImageLoadOptions } from './limits.js';
import type { EncodedImageFormat } from './signature.js';

/** A reduced-size decode: the decoder's output size and the full (oriented) size it stands for. */
export interface DecodeResize {
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
}

/**
 * What decoding an encoded image will produce, read from its header alone.
 * `width`/`height` are undefined when the header cannot be read (the decode
 * then reports why).
 */
export interface DecodePlan {
  format: EncodedImageFormat;
  /** Full size after EXIF orientation. */
  width?: number;
  height?: number;
  /** Present when the image is decoded straight to a smaller size (see `ImageLoadOptions.decodeHint`). */
  resize?: DecodeResize;
}

/** Pixels a plan's decode materialises, or `fallback` when the header was unreadable. */
export function plannedPixels(plan: DecodePlan, fallback: number): number {
  if (plan.resize) return plan.resize.width * plan.resize.height;
  return plan.width !== undefined && plan.height !== undefined ? plan.width * plan.height : fallback;
}

/** The pixel-limit error, raised from the header before anything is decoded. */
export function tooManyPixels(width: number, height: number, maxPixels: number): ImageInputError {
  return new ImageInputError(
    'CORE_ERR_IMAGE_TOO_LARGE',
    `The image has ${width}x${height} pixels, over the limit of ${maxPixels} pixels`,
  );
}

/** The header as sharp's metadata reads it (a libvips pipeline, no pixel data); undefined when unreadable. */
async function sharpHeader(bytes: Uint8Array): Promise<ImageHeader | undefined> {
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) return undefined;
    return { width: meta.width, height: meta.height, orientation: meta.orientation ?? 1 };
  } catch {
    return undefined;
  }
}

/**
 * Reads the header (JPEG, PNG and BMP in place, other formats with sharp's
 * metadata, which parses no pixel data) and decides the decode size. With a `decodeHint`, an image with at least twice the
 * network's pixels per side is decoded smaller: JPEG by libjpeg's DCT
 * scaling (1/2, 1/4, 1/8: exactly the scaled size, no resampling after),
 * other formats by an integer box shrink streamed through the decoder, so
 * the full-size pixels of a large PNG are never held in memory. The result
 * keeps at least the network's resolution, so the model sees the same detail.
 * Throws `CORE_ERR_IMAGE_TOO_LARGE` when the header declares more than
 * `maxPixels`.
 */
export async function planDecode(
  bytes: Uint8Array,
  format: EncodedImageFormat,
  opts: ResolvedImageLoadOptions,
): Promise<DecodePlan> {
  // JPEG, PNG and BMP headers are read in place; other formats, and headers that are not plain, by sharp
  // (not BMP: our own decoder reads it, sharp cannot)
  const header = readImageHeader(bytes, format) ?? (format === 'bmp' ? undefined : await sharpHeader(bytes));
  if (!header) return { format }; // the decode itself reports the error
  let { width, height } = header;
  const swap = opts.autoOrient && header.orientation >= 5;
  if (!width || !height || width < 0) return { format };
  if (width * height > opts.maxPixels) throw tooManyPixels(width, height, opts.maxPixels);
  if (swap) [width, height] = [height, width];
  const plan: DecodePlan = { format, width, height };
  const hint = opts.decodeHint;
  if (!hint || format === 'bmp') return plan;
  const rx = width / hint.width;
  const ry = height / hint.height;
  const room = hint.fit === 'contain' ? Math.max(rx, ry) : Math.min(rx, ry);
  let s = 1;
  if (format === 'jpeg') while (s < 8 && room >= s * 2) s *= 2;
  else s = Math.floor(room);
  if (s < 2) return plan;
  plan.resize = {
    width: Math.ceil(width / s),
    height: Math.ceil(height / s),
    sourceWidth: width,
    sourceHeight: height,
  };
  return plan;
}
