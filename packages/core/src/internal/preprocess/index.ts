export { type AdjustedImage, type AdjustmentPlan, applyAdjustments, planAdjustments } from './adjust.js';
export { adaptiveEqualizeInPlace } from './clahe.js';
export { contrastStretchInPlace, equalizeHistogramInPlace, percentileFromHistogram } from './contrast.js';
export { type CropRect, cropImage, staticCropRect } from './crop.js';
export { type ResizeGeometry, resizeGeometry, roundHalfEven, validateInputSpec } from './geometry.js';
export { grayscaleInPlace } from './grayscale.js';
export { mapBoxesToImage, mapPointsToImage, mapPointsToModel } from './map.js';
export { preprocess, preprocessBatch, preprocessInto } from './preprocess.js';
export type { PreprocessDisable, PreprocessedImage, PreprocessMeta } from './types.js';
