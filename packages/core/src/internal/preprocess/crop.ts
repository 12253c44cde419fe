import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import type { ImageAdjustments } from '../manifest/types.js';

/** A rectangle in integer pixels. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Turns a static crop in percent into pixel bounds the way Roboflow does:
 * `x_min = int(x_min / 100 * width)` (truncated), likewise for the other three
 * bounds, clamped to the image. Throws `CORE_ERR_PREPROCESS` when the region is empty.
 *
 * @example
 * staticCropRect(768, 576, { xMin: 10, yMin: 0, xMax: 90, yMax: 50 });
 * // { x: 76, y: 0, width: 615, height: 288 }
 */
export function staticCropRect(
  width: number,
  height: number,
  crop: NonNullable<ImageAdjustments['staticCrop']>,
): CropRect {
  const { xMin, yMin, xMax, yMax } = crop;
  if (![xMin, yMin, xMax, yMax].every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InferenceError('CORE_ERR_PREPROCESS', 'static crop bounds must be finite numbers');
  }
  const clamp = (v: number, hi: number) => Math.min(hi, Math.max(0, Math.trunc(v)));
  const x0 = clamp((xMin / 100) * width, width);
  const y0 = clamp((yMin / 100) * height, height);
  const x1 = clamp((xMax / 100) * width, width);
  const y1 = clamp((yMax / 100) * height, height);
  if (x1 <= x0 || y1 <= y0) {
    throw new InferenceError(
      'CORE_ERR_PREPROCESS',
      `static crop ${JSON.stringify(crop)} leaves no pixels of a ${width}x${height} image`,
    );
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Copies `rect` out of `image` into a new, tightly packed image. */
export function cropImage(image: RgbImage, rect: CropRect): RgbImage {
  const out = new Uint8Array(rect.width * rect.height * 3);
  const rowBytes = rect.width * 3;
  for (let y = 0; y < rect.height; y++) {
    const s = ((rect.y + y) * image.width + rect.x) * 3;
    out.set(image.data.subarray(s, s + rowBytes), y * rowBytes);
  }
  return { data: out, width: rect.width, height: rect.height };
}
