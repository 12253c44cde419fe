import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import type { ImageAdjustments } from '../manifest/types.js';
import { adaptiveEqualizeInPlace } from './clahe.js';
import { contrastStretchInPlace, equalizeHistogramInPlace } from './contrast.js';
import { type CropRect, cropImage, staticCropRect } from './crop.js';
import { grayscaleInPlace } from './grayscale.js';
import type { PreprocessDisable } from './types.js';

/** The result of {@link applyAdjustments}: the adjusted image and where it sits in the original. */
export interface AdjustedImage {
  image: RgbImage;
  /** Static-crop offset in original pixels (0 when no crop applies). */
  cropX: number;
  cropY: number;
}

/** Which adjustments apply once the request's `disable` flags are taken into account. */
export interface AdjustmentPlan {
  crop: CropRect;
  grayscale: boolean;
  contrast: ImageAdjustments['contrast'] | undefined;
}

/** Resolves the crop rectangle (the whole image when none) and the enabled steps. */
export function planAdjustments(
  width: number,
  height: number,
  adj: ImageAdjustments | undefined,
  disable: PreprocessDisable = {},
): AdjustmentPlan {
  const crop =
    adj?.staticCrop && !disable.staticCrop
      ? staticCropRect(width, height, adj.staticCrop)
      : { x: 0, y: 0, width, height };
  const contrast = disable.contrast ? undefined : adj?.contrast;
  if (contrast !== undefined && !CONTRAST[contrast]) {
    throw new InferenceError('CORE_ERR_PREPROCESS', `unknown contrast mode: ${String(contrast)}`);
  }
  return { crop, grayscale: adj?.grayscale === true && !disable.grayscale, contrast };
}

const CONTRAST: Record<NonNullable<ImageAdjustments['contrast']>, (img: RgbImage) => void> = {
  'contrast-stretching': (img) => contrastStretchInPlace(img.data),
  'histogram-equalization': (img) => equalizeHistogramInPlace(img.data),
  'adaptive-equalization': (img) => adaptiveEqualizeInPlace(img.data, img.width, img.height),
};

/**
 * Applies Roboflow's `environment.json` PREPROCESSING steps in Roboflow's
 * order: static crop, then contrast, then grayscale. Returns the input image
 * itself when nothing applies; otherwise a new image (the input is never
 * modified). `disable` mirrors the `disable_preproc_*` request flags.
 *
 * @example
 * const { image, cropX, cropY } = applyAdjustments(img, {
 *   staticCrop: { xMin: 25, yMin: 0, xMax: 75, yMax: 100 },
 *   grayscale: true,
 * });
 * // image.width === Math.trunc(0.75 * img.width) - Math.trunc(0.25 * img.width); cropX === Math.trunc(0.25 * img.width)
 */
export function applyAdjustments(
  image: RgbImage,
  adj: ImageAdjustments | undefined,
  disable?: PreprocessDisable,
): AdjustedImage {
  const plan = planAdjustments(image.width, image.height, adj, disable);
  return runPlan(image, plan);
}

/** Executes a plan from {@link planAdjustments}. */
export function runPlan(image: RgbImage, plan: AdjustmentPlan): AdjustedImage {
  const { crop } = plan;
  const cropped = crop.width !== image.width || crop.height !== image.height;
  if (!cropped && !plan.grayscale && plan.contrast === undefined) return { image, cropX: 0, cropY: 0 };
  const out = cropped
    ? cropImage(image, crop)
    : { data: image.data.slice(), width: image.width, height: image.height };
  if (plan.contrast !== undefined) CONTRAST[plan.contrast](out);
  if (plan.grayscale) grayscaleInPlace(out.data);
  return { image: out, cropX: crop.x, cropY: crop.y };
}
