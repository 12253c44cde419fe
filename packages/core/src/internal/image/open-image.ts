import { decodePlanned, encodedFormat } from './decode.js';
import { resolveImageLoadOptions } from './limits.js';
import { loadImage } from './load-image.js';
import { planDecode, plannedPixels } from './plan.js';
import { readStringInput, readUrlObject } from './string-input.js';
import type { ImageInput, ImageLoadOptions, RgbImage } from './types.js';

/**
 * An image whose bytes are read and whose header is checked, but whose
 * pixels are not decoded yet: a caller can see what the decode will cost
 * (and wait for memory) before paying for it.
 */
export interface PendingImage {
  /** Full size after EXIF orientation; 0 when the header could not be read (`decode()` says why). */
  readonly width: number;
  readonly height: number;
  /**
   * Pixels `decode()` will hold: the reduced size when a `decodeHint` allows
   * one, else the full size; `maxPixels` when the header was unreadable.
   */
  readonly decodedPixels: number;
  /** Decodes (once per call; the bytes are kept until the pending image is dropped). */
  decode(): Promise<RgbImage>;
}

/**
 * `loadImage` in two steps: read the input and its header (cheap: files,
 * URLs and base64 are read, nothing is decoded), then `decode()`. Already
 * decoded inputs (raw frames, RGB images) report their own size.
 *
 * @example
 * const pending = await openImage(pngBytes, { decodeHint: { width: 640, height: 640, fit: 'contain' } });
 * pending.width;          // 9500
 * pending.decodedPixels;  // 679 * 679: the PNG is shrunk while it is decoded
 * const image = await pending.decode();
 */
export async function openImage(input: ImageInput, options?: ImageLoadOptions): Promise<PendingImage> {
  const opts = resolveImageLoadOptions(options);
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (typeof input === 'string') bytes = await readStringInput(input, opts);
  else if (input instanceof URL) bytes = await readUrlObject(input, opts);
  else {
    // raw frames and RGB images are pixels already (loadImage validates them)
    const size = input as { width?: unknown; height?: unknown };
    const w = typeof size?.width === 'number' ? size.width : 0;
    const h = typeof size?.height === 'number' ? size.height : 0;
    return { width: w, height: h, decodedPixels: w * h, decode: () => loadImage(input, options) };
  }
  const plan = await planDecode(bytes, encodedFormat(bytes, opts), opts);
  return {
    width: plan.width ?? 0,
    height: plan.height ?? 0,
    decodedPixels: plannedPixels(plan, opts.maxPixels),
    decode: () => decodePlanned(bytes, plan, opts),
  };
}
