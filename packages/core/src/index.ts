/**
 * @inference-ts/core: load vision models and run them on images.
 *
 * The public surface is this file plus the subpaths `@inference-ts/core/annotate`,
 * `/image`, `/registry` and `/runtime` (src/<subpath>.ts); every other module lives
 * in src/internal/, which the package's `exports` map never reaches. `api-report.txt`
 * lists every exported name and a test compares it.
 *
 * @example
 * import { InferenceEngine } from '@inference-ts/core';
 * const engine = new InferenceEngine({ env: process.env });
 * const model = await engine.getModel('./models/yolov8n');
 * const result = await model.infer('dog.jpg', { confidence: 0.5 });
 * console.log(result.predictions);
 */

// bounded waits (shared by the pipeline and the server)
export { type Deadline, settleWithin, untilAborted } from './internal/async/deadline.js';
// results
export { type DetectionData, Detections, type DetectionsInit } from './internal/detections/detections.js';
export type { RegionMask } from './internal/detections/mask.js';
// models: the engine, loading, what a model is
export { type EngineOptions, InferenceEngine, type ModelRequestOptions } from './internal/engine.js';
// errors
export {
  CORE_ERROR_CODES,
  type CoreErrorCode,
  ImageInputError,
  InferenceError,
  isInferenceError,
  ModelError,
} from './internal/errors.js';
// custom decoding families
export { registerHead } from './internal/heads/registry.js';
export type { DetectionHead, HeadContext, HeadFinishOptions } from './internal/heads/types.js';
// images in and out (more in @inference-ts/core/image)
export { encodeImage } from './internal/image/encode.js';
export { loadImage } from './internal/image/load-image.js';
export type { DecodeHint, ImageInput, ImageLoadOptions, RgbImage } from './internal/image/types.js';
export type { ModelLease } from './internal/manager/index.js';
export type { ModelManifest, Task } from './internal/manifest/types.js';
export { maskToPolygon } from './internal/masks/polygon.js';
export { maskToRle } from './internal/masks/rle.js';
export { loadModel } from './internal/model/load.js';
export { Model } from './internal/model/model.js';
export { BUILTIN_OCR_ID, isBuiltinOcrId, OcrPipelineModel } from './internal/model/ocr-model.js';
export type { LoadOptions, ModelDescription, VisionModel } from './internal/model/types.js';
export {
  ClassificationResult,
  type DetectionsResultInit,
  type InferenceResult,
  InstanceSegmentationResult,
  KeypointsResult,
  type KeypointsResultInit,
  ObjectDetectionResult,
  OcrInferenceResult,
  type ResultBase,
  SemanticSegmentationResult,
  type StageTimings,
  totalMs,
  zeroTimings,
} from './internal/results/index.js';
export type { ExecutionProvider } from './internal/runtime/types.js';
export {
  type AnnotateResultOptions,
  annotateResult,
  annotateResultImage,
} from './internal/tasks/annotate-result.js';
// one call: options from code or from the wire's parameters
export type { InferOptions } from './internal/tasks/types.js';
export { inferOptionsFromWire } from './internal/tasks/wire-options.js';
