export { ClassificationResult } from './classification.js';
export {
  type DetectionsResultInit,
  InstanceSegmentationResult,
  KeypointsResult,
  type KeypointsResultInit,
  ObjectDetectionResult,
  type ResultBase,
} from './object-detection.js';
export { OcrInferenceResult } from './ocr.js';
export { SemanticSegmentationResult } from './semantic-segmentation.js';
export { type StageTimings, totalMs, zeroTimings } from './timings.js';

import type { ClassificationResult } from './classification.js';
import type {
  InstanceSegmentationResult,
  KeypointsResult,
  ObjectDetectionResult,
} from './object-detection.js';
import type { OcrInferenceResult } from './ocr.js';
import type { SemanticSegmentationResult } from './semantic-segmentation.js';

/** What `infer` returns, by task (`result.task` discriminates). */
export type InferenceResult =
  | ObjectDetectionResult
  | InstanceSegmentationResult
  | KeypointsResult
  | ClassificationResult
  | SemanticSegmentationResult
  | OcrInferenceResult;
