import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';

/**
 * Check an image's shape and return the buffer to draw into: the image itself
 * when `inPlace`, else a copy in fresh memory.
 * @throws InferenceError `CORE_ERR_INVALID_PARAMETER` when sizes and data length disagree.
 */
export function drawTarget(image: RgbImage, inPlace: boolean): RgbImage {
  assertRgbImage(image);
  if (inPlace) return image;
  const { data } = image;
  // ArrayBuffer#slice is one memcpy into fresh memory; `new Uint8Array(data)` zero-fills first
  // and copies element-wise (~10x slower on a 1080p frame). Buffer#slice would share memory.
  const copy = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return { data: copy, width: image.width, height: image.height };
}

/** @throws InferenceError `CORE_ERR_INVALID_PARAMETER` unless `data.length === width * height * 3`. */
export function assertRgbImage(image: RgbImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InferenceError(
      'CORE_ERR_INVALID_PARAMETER',
      `Image size ${width}x${height} is not positive integers`,
    );
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * 3) {
    throw new InferenceError(
      'CORE_ERR_INVALID_PARAMETER',
      `Image data has ${data?.length} bytes, expected ${width * height * 3} for ${width}x${height} RGB`,
    );
  }
}

/** A positive integer option or its default. */
export function positiveInt(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) {
    throw new InferenceError('CORE_ERR_INVALID_PARAMETER', `${name} must be >= 1, got ${value}`);
  }
  return Math.round(value);
}
