/** `@inference-ts/core/runtime`: ONNX Runtime sessions (the only importer of onnxruntime-node). */
export {
  type BatchingOptions,
  BatchingSession,
  hasDynamicBatch,
} from './internal/runtime/batching-session.js';
export {
  availableProviders,
  haltInferenceForExit,
  OnnxSession,
  ortLogLevel,
  setOrtLogLevel,
} from './internal/runtime/onnx-session.js';
export type {
  ExecutionProvider,
  InferenceSession,
  SessionOptions,
  TensorData,
  TensorElementType,
  TensorInfo,
} from './internal/runtime/types.js';
