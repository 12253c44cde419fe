/**
 * @inference-ts/sdk: an HTTP client for Inference TS and Roboflow Inference servers.
 *
 * The public surface is this file and `@inference-ts/sdk/wire` (src/wire.ts: the JSON
 * the server speaks, `Wire*`, and the request-parameter contract with its JSON Schema);
 * every other module is internal (src/internal/, which the `exports` map does not reach).
 * `api-report.txt` lists every exported name and a test compares it.
 *
 * @example
 * import { InferenceHTTPClient } from '@inference-ts/sdk';
 * const client = new InferenceHTTPClient({ apiUrl: 'http://localhost:9001' });
 * const result = await client.infer('dog.jpg', 'yolov8n-640');
 */

// the client, what it takes, and what its calls return (the server's JSON; its shapes: @inference-ts/sdk/wire)
export {
  type ClientMode,
  InferenceHTTPClient,
  type InferenceHTTPClientOptions,
  type InferResponse,
  type InferWithMeta,
  type OcrModel,
  type OcrOptions,
} from './internal/client.js';
// configuration: thresholds, batching, retries (frozen objects)
export {
  type ApiKeyTransport,
  type Confidence,
  createInferenceConfiguration,
  type InferenceConfiguration,
  type InferenceConfigurationInput,
} from './internal/configuration.js';
// errors: every one extends InferenceSDKError and carries a stable code
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
  SDK_ERROR_CODES,
  type SdkErrorCode,
  WrongClientModeError,
} from './internal/errors.js';
// response headers (inferWithMeta) and the image inputs every call takes
export type { ResponseMeta } from './internal/http.js';
export type { ImageInput } from './internal/image-input.js';
// inference pipelines (startInferencePipelineWithWorkflow and friends; their answers are Wire* shapes)
export type { StartPipelineWithWorkflowOptions } from './internal/pipelines.js';
