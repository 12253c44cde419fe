/**
 * @inference-ts/core: load vision models and run them on images.
 *
 * @example
 * import { InferenceEngine } from '@inference-ts/core';
 * const engine = new InferenceEngine();
 * const model = await engine.getModel('./models/yolov8n');
 * const result = await model.infer('dog.jpg', { confidence: 0.5 });
 * console.log(result.predictions);
 */

export * from './annotate/index.js';
export { type Deadline, settleWithin, untilAborted } from './async/deadline.js';
export * from './detections/index.js';
export { type EngineOptions, InferenceEngine } from './engine.js';
export * from './errors.js';
export * from './heads/index.js';
export * from './image/index.js';
export * from './manager/index.js';
export * from './manifest/index.js';
export * from './masks/index.js';
export { completeManifest, type LoadableModel, loadModel } from './model/load.js';
export { Model } from './model/model.js';
export { BUILTIN_OCR_ID, isBuiltinOcrId, OcrPipelineModel } from './model/ocr-model.js';
export type {
  InferOptions,
  LoadOptions,
  ModelDescription,
  ModelRuntime,
  VisionModel,
} from './model/types.js';
export * from './ocr/index.js';
export * from './postprocess/index.js';
export * from './preprocess/index.js';
export * from './registry/index.js';
export * from './results/index.js';
export { type BatchingOptions, BatchingSession, hasDynamicBatch } from './runtime/batching-session.js';
export { availableProviders, haltInferenceForExit, OnnxSession } from './runtime/onnx-session.js';
export type * from './runtime/types.js';
export { newId } from './serialize/ids.js';
export { type AnnotateResultOptions, annotateResult, annotateResultImage } from './tasks/annotate-result.js';
export { inferOptionsFromWire } from './tasks/wire-options.js';
