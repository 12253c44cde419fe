/**
 * @inference-ts/core: load vision models and run them on images.
 *
 * The public surface is this file plus the subpaths `@inference-ts/core/annotate`,
 * `/image`, `/registry` and `/runtime` (src/public/*.ts); every other module is
 * internal (the package's `exports` map reaches nothing else). `api-report.txt`
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
export { type Deadline, settleWithin, untilAborted } from './async/deadline.js';
// results
export { type DetectionData, Detections, type DetectionsInit } from './detections/detections.js';
export type { RegionMask } from './detections/mask.js';
// models: the engine, loading, what a model is
export { type EngineOptions, InferenceEngine, type ModelRequestOptions } from './engine.js';
// errors
export {
  CORE_ERROR_CODES,
  type CoreErrorCode,
  ImageInputError,
  InferenceError,
  isInferenceError,
  ModelError,
} from './errors.js';
// custom decoding families
export { registerHead } from './heads/registry.js';
export type { DetectionHead, HeadContext, HeadFinishOptions } from './heads/types.js';
// images in and out (more in @inference-ts/core/image)
export { encodeImage } from './image/encode.js';
export { loadImage } from './image/load-image.js';
export type { DecodeHint, ImageInput, ImageLoadOptions, RgbImage } from './image/types.js';
export type { ModelLease } from './manager/index.js';
export type { ModelManifest, Task } from './manifest/types.js';
export { maskToPolygon } from './masks/polygon.js';
export { maskToRle } from './masks/rle.js';
export { loadModel } from './model/load.js';
export { Model } from './model/model.js';
export { BUILTIN_OCR_ID, isBuiltinOcrId, OcrPipelineModel } from './model/ocr-model.js';
export type { LoadOptions, ModelDescription, VisionModel } from './model/types.js';
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
} from './results/index.js';
export type { ExecutionProvider } from './runtime/types.js';
export { type AnnotateResultOptions, annotateResult, annotateResultImage } from './tasks/annotate-result.js';
// one call: options from code or from the wire's parameters
export type { InferOptions } from './tasks/types.js';
export { inferOptionsFromWire } from './tasks/wire-options.js';
