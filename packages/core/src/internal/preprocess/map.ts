import { InferenceError } from '../errors.js';
import type { PreprocessMeta } from './types.js';

function checkStride(stride: number): void {
  if (!Number.isInteger(stride) || stride < 2) {
    throw new InferenceError(
      'CORE_ERR_INVALID_PARAMETER',
      `point stride must be an integer >= 2, got ${stride}`,
    );
  }
}

/**
 * Maps xyxy boxes from network pixels to original-image pixels in place:
 * `x = (x - padX) / scaleX + cropX` (likewise y). With `clip`, boxes are
 * clamped to the static-crop region (the whole image when there is no crop).
 *
 * @example
 * const boxes = new Float32Array([0, 80, 640, 560]); // letterboxed 768x576 -> 640x640
 * mapBoxesToImage(boxes, meta);
 * // boxes -> [0, 0, 768, 576]
 */
export function mapBoxesToImage(xyxy: Float32Array, meta: PreprocessMeta, clip = true): void {
  const { padX, padY, cropX, cropY } = meta;
  const ix = 1 / meta.scaleX;
  const iy = 1 / meta.scaleY;
  const xMax = cropX + meta.cropWidth;
  const yMax = cropY + meta.cropHeight;
  for (let i = 0; i + 3 < xyxy.length; i += 4) {
    let x1 = (xyxy[i] - padX) * ix + cropX;
    let y1 = (xyxy[i + 1] - padY) * iy + cropY;
    let x2 = (xyxy[i + 2] - padX) * ix + cropX;
    let y2 = (xyxy[i + 3] - padY) * iy + cropY;
    if (clip) {
      x1 = Math.min(xMax, Math.max(cropX, x1));
      y1 = Math.min(yMax, Math.max(cropY, y1));
      x2 = Math.min(xMax, Math.max(cropX, x2));
      y2 = Math.min(yMax, Math.max(cropY, y2));
    }
    xyxy[i] = x1;
    xyxy[i + 1] = y1;
    xyxy[i + 2] = x2;
    xyxy[i + 3] = y2;
  }
}

/**
 * Maps points stored every `stride` values (x at `i * stride`, y at `i * stride + 1`;
 * e.g. stride 3 for keypoints `x, y, confidence`, 2 for polygons) from network
 * to original-image pixels in place. Other values in each record are left alone.
 * With `clip`, points are clamped to the static-crop region.
 *
 * @example
 * const kps = new Float32Array([320, 320, 0.9]);
 * mapPointsToImage(kps, 3, meta); // kps -> [384, 288, 0.9] for letterboxed 768x576
 */
export function mapPointsToImage(xy: Float32Array, stride: number, meta: PreprocessMeta, clip = false): void {
  checkStride(stride);
  const { padX, padY, cropX, cropY } = meta;
  const ix = 1 / meta.scaleX;
  const iy = 1 / meta.scaleY;
  const xMax = cropX + meta.cropWidth;
  const yMax = cropY + meta.cropHeight;
  for (let i = 0; i + 1 < xy.length; i += stride) {
    let x = (xy[i] - padX) * ix + cropX;
    let y = (xy[i + 1] - padY) * iy + cropY;
    if (clip) {
      x = Math.min(xMax, Math.max(cropX, x));
      y = Math.min(yMax, Math.max(cropY, y));
    }
    xy[i] = x;
    xy[i + 1] = y;
  }
}

/**
 * The inverse of {@link mapPointsToImage}: original-image pixels to network
 * pixels, in place (`x = (x - cropX) * scaleX + padX`). Useful for prompts or
 * regions given in image coordinates.
 */
export function mapPointsToModel(xy: Float32Array, stride: number, meta: PreprocessMeta): void {
  checkStride(stride);
  for (let i = 0; i + 1 < xy.length; i += stride) {
    xy[i] = (xy[i] - meta.cropX) * meta.scaleX + meta.padX;
    xy[i + 1] = (xy[i + 1] - meta.cropY) * meta.scaleY + meta.padY;
  }
}
