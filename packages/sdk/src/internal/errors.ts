/**
 * Every error the SDK throws, with a stable code. Codes are never reused once retired.
 * The class names follow the Python `inference_sdk.http.errors` module so that code ported
 * from Python reads the same; `name` is the class name, `code` is what to branch on.
 */
export const SDK_ERROR_CODES = {
  SDK_ERR_HTTP_CALL: 'The server answered with a non-2xx status.',
  SDK_ERR_CONNECTION: 'The server could not be reached, or did not answer in time.',
  SDK_ERR_INVALID_INPUT: 'The image input is not a supported type, file, URL or base64 string.',
  SDK_ERR_INVALID_MODEL_ID:
    'The model id is malformed for the selected API (v0 needs "<dataset>/<version>").',
  SDK_ERR_MODEL_NOT_INITIALIZED: 'The model is not loaded on the server and could not be loaded.',
  SDK_ERR_TASK_TYPE_NOT_SUPPORTED: 'The model task type has no v1 inference route.',
  SDK_ERR_MODEL_NOT_SELECTED: 'No model id was given and none is selected.',
  SDK_ERR_API_KEY_NOT_PROVIDED: 'The call needs an API key (the v0 hosted API always does).',
  SDK_ERR_WRONG_CLIENT_MODE: 'The method is only available in the other client mode (v0/v1).',
  SDK_ERR_INVALID_PARAMETER: 'A method argument or configuration value is invalid.',
} as const;

/** A stable SDK error code, such as `SDK_ERR_HTTP_CALL`. */
export type SdkErrorCode = keyof typeof SDK_ERROR_CODES;

/**
 * Base class of every error the SDK throws; `code` is stable, `cause` keeps the foreign error.
 * The Python twin is `HTTPClientError`.
 */
export class InferenceSDKError extends Error {
  readonly code: SdkErrorCode;

  constructor(code: SdkErrorCode, message?: string, options?: { cause?: unknown }) {
    super(
      message ?? SDK_ERROR_CODES[code],
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = 'InferenceSDKError';
    this.code = code;
  }
}

/**
 * The server answered with a non-2xx status (after retries, for retryable statuses).
 * @example
 * try { await client.infer(img, 'coco/3'); } catch (e) {
 *   if (e instanceof HTTPCallError && e.status === 404) console.log(e.apiMessage);
 * }
 */
export class HTTPCallError extends InferenceSDKError {
  /** HTTP status code. */
  readonly status: number;
  /** `message`, else `detail`, else `"N/A"` from the JSON body, plus `. More details: <inner_error_message>`. */
  readonly apiMessage: string;
  /** `"<status> <statusText> for <METHOD> <url with api_key masked>"`. */
  readonly description: string;

  constructor(description: string, apiMessage: string, status: number) {
    super('SDK_ERR_HTTP_CALL', `${description}: ${apiMessage}`);
    this.name = 'HTTPCallError';
    this.status = status;
    this.apiMessage = apiMessage;
    this.description = description;
  }
}

/** Network failure, abort or timeout: no HTTP status was received. Retried like 503. */
export class ConnectionError extends InferenceSDKError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SDK_ERR_CONNECTION', message, options);
    this.name = 'ConnectionError';
  }
}

/** See `SDK_ERR_INVALID_INPUT`. */
export class InvalidInputFormatError extends InferenceSDKError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SDK_ERR_INVALID_INPUT', message, options);
    this.name = 'InvalidInputFormatError';
  }
}

/** See `SDK_ERR_INVALID_MODEL_ID`. */
export class InvalidModelIdentifier extends InferenceSDKError {
  constructor(message: string) {
    super('SDK_ERR_INVALID_MODEL_ID', message);
    this.name = 'InvalidModelIdentifier';
  }
}

/** See `SDK_ERR_MODEL_NOT_INITIALIZED`. */
export class ModelNotInitializedError extends InferenceSDKError {
  constructor(message: string) {
    super('SDK_ERR_MODEL_NOT_INITIALIZED', message);
    this.name = 'ModelNotInitializedError';
  }
}

/** See `SDK_ERR_TASK_TYPE_NOT_SUPPORTED`. */
export class ModelTaskTypeNotSupportedError extends InferenceSDKError {
  constructor(message: string) {
    super('SDK_ERR_TASK_TYPE_NOT_SUPPORTED', message);
    this.name = 'ModelTaskTypeNotSupportedError';
  }
}

/** See `SDK_ERR_MODEL_NOT_SELECTED`. */
export class ModelNotSelectedError extends InferenceSDKError {
  constructor(message: string = SDK_ERROR_CODES.SDK_ERR_MODEL_NOT_SELECTED) {
    super('SDK_ERR_MODEL_NOT_SELECTED', message);
    this.name = 'ModelNotSelectedError';
  }
}

/** See `SDK_ERR_API_KEY_NOT_PROVIDED`. */
export class APIKeyNotProvided extends InferenceSDKError {
  constructor(message: string = SDK_ERROR_CODES.SDK_ERR_API_KEY_NOT_PROVIDED) {
    super('SDK_ERR_API_KEY_NOT_PROVIDED', message);
    this.name = 'APIKeyNotProvided';
  }
}

/** See `SDK_ERR_WRONG_CLIENT_MODE`. */
export class WrongClientModeError extends InferenceSDKError {
  constructor(message: string) {
    super('SDK_ERR_WRONG_CLIENT_MODE', message);
    this.name = 'WrongClientModeError';
  }
}

/** See `SDK_ERR_INVALID_PARAMETER`. */
export class InvalidParameterError extends InferenceSDKError {
  constructor(message: string) {
    super('SDK_ERR_INVALID_PARAMETER', message);
    this.name = 'InvalidParameterError';
  }
}

/** True for any error thrown by this SDK. */
export function isInferenceSDKError(e: unknown): e is InferenceSDKError {
  return e instanceof InferenceSDKError;
}

/**
 * Hides an API key in text meant for logs and error messages: every `api_key=<value>` query
 * value becomes `api_key=***`, and any literal occurrence of `apiKey` is replaced too (the
 * server may echo the request body back in a 422 `detail`).
 * @example
 * maskApiKey('http://h/coco/3?api_key=abc&confidence=0.5') // 'http://h/coco/3?api_key=***&confidence=0.5'
 */
export function maskApiKey(text: string, apiKey?: string): string {
  let out = text.replace(/(api_key=)[^&\s"']*/g, '$1***');
  if (apiKey) out = out.split(apiKey).join('***');
  return out;
}
