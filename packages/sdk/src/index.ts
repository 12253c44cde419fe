export { MODEL_ALIASES, resolveModelAlias } from './internal/aliases.js';
export {
  type ClientMode,
  HOSTED_API_URLS,
  InferenceHTTPClient,
  type InferenceHTTPClientOptions,
  type InferResponse,
  type InferWithMeta,
  OCR_ROUTES,
  type OcrModel,
  type OcrOptions,
} from './internal/client.js';
export {
  type ApiKeyTransport,
  type Confidence,
  createInferenceConfiguration,
  DEFAULT_INFERENCE_CONFIGURATION,
  type InferenceConfiguration,
  type InferenceConfigurationInput,
} from './internal/configuration.js';
export {
  APIKeyNotProvided,
  ConnectionError,
  HTTPCallError,
  InferenceSDKError,
  InvalidInputFormatError,
  InvalidModelIdentifier,
  InvalidParameterError,
  isInferenceSDKError,
  ModelNotInitializedError,
  ModelNotSelectedError,
  ModelTaskTypeNotSupportedError,
  maskApiKey,
  SDK_ERROR_CODES,
  type SdkErrorCode,
  WrongClientModeError,
} from './internal/errors.js';
export type { ResponseMeta } from './internal/http.js';
export type { ImageInput } from './internal/image-input.js';
export { V1_INFER_ROUTES, type V1TaskType } from './internal/params.js';
export {
  type StartPipelineWithWorkflowOptions,
  type WirePipelineResponse,
  type WirePipelineResults,
  type WirePipelineStatus,
  type WirePipelinesList,
  workflowPipelinePayload,
} from './internal/pipelines.js';
export type * from './internal/wire.js';
export {
  WIRE_BASE_PROPERTIES,
  WIRE_CONFIDENCE_SCHEMA,
  WIRE_DETECTION_PROPERTIES,
  WIRE_INSTANCE_SEGMENTATION_PROPERTIES,
  WIRE_KEYPOINT_PROPERTIES,
  WIRE_LEGACY_QUERY_SCHEMA,
  WIRE_OCR_PROPERTIES,
  WIRE_PREPROCESSING_PROPERTIES,
  type WireLegacyQuery,
  type WireTaskParams,
} from './internal/wire-params.js';
