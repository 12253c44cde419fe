/**
 * Every error the core raises, with a stable code. Codes are never reused once
 * retired. `status` is the HTTP status a server should answer with; the server
 * maps codes to Roboflow's body shapes in one place.
 */
export const CORE_ERROR_CODES = {
  // image input
  CORE_ERR_IMAGE_EMPTY: { status: 400, summary: 'The image input is empty.' },
  CORE_ERR_IMAGE_DECODE: {
    status: 400,
    summary: 'The bytes are not a decodable image (unknown format or truncated).',
  },
  CORE_ERR_IMAGE_TOO_LARGE: {
    status: 400,
    summary: 'The image exceeds the pixel or byte limit (decompression bomb guard).',
  },
  CORE_ERR_IMAGE_BASE64: { status: 400, summary: 'The string is not valid base64 image data.' },
  CORE_ERR_IMAGE_RAW_FRAME: {
    status: 400,
    summary: 'A raw frame has inconsistent data length, size or format.',
  },
  CORE_ERR_IMAGE_FILE: { status: 400, summary: 'The image file cannot be read.' },
  CORE_ERR_IMAGE_URL: {
    status: 400,
    summary:
      'The image URL is refused or cannot be fetched (scheme, address, status, timeout, size, redirects).',
  },
  CORE_ERR_IMAGE_INPUT_TYPE: { status: 400, summary: 'The value is not a supported image input.' },
  CORE_ERR_IMAGE_UNSUPPORTED: {
    status: 400,
    summary: 'The image format is recognised but cannot be decoded here (HEIC/HEIF).',
  },
  CORE_ERR_IMAGE_ENCODE: { status: 500, summary: 'Encoding pixels to JPEG or PNG failed.' },
  // models and registry
  CORE_ERR_MODEL_ID: { status: 400, summary: 'The model id is malformed.' },
  CORE_ERR_MODEL_NOT_FOUND: { status: 404, summary: 'No model with this id exists in any source.' },
  CORE_ERR_MODEL_MANIFEST: { status: 500, summary: 'The model manifest is missing or invalid.' },
  CORE_ERR_MODEL_ARTEFACT: {
    status: 500,
    summary: 'The model package is broken (weights unreadable or mismatched with the manifest).',
  },
  CORE_ERR_MODEL_DOWNLOAD: { status: 502, summary: 'Downloading the model failed.' },
  CORE_ERR_MODEL_HASH_MISMATCH: {
    status: 500,
    summary: 'The downloaded model does not match its declared sha256.',
  },
  CORE_ERR_MODEL_FAMILY: {
    status: 500,
    summary: 'The model family is unknown or cannot be detected from its outputs.',
  },
  CORE_ERR_MODEL_NOT_LOADED: { status: 503, summary: 'The model is not loaded (or is being unloaded).' },
  CORE_ERR_API_KEY_MISSING: { status: 400, summary: 'A Roboflow API key is needed to fetch this model.' },
  CORE_ERR_API_UNAUTHORIZED: { status: 401, summary: 'The Roboflow API refused the API key.' },
  CORE_ERR_API_FORBIDDEN: { status: 403, summary: 'The API key lacks the scope for this resource.' },
  CORE_ERR_API_NOT_FOUND: { status: 404, summary: 'The Roboflow API has no such resource.' },
  CORE_ERR_API_FAILED: { status: 502, summary: 'The Roboflow API answered with an error or malformed data.' },
  CORE_ERR_API_UNREACHABLE: { status: 503, summary: 'The Roboflow API cannot be reached.' },
  CORE_ERR_API_TIMEOUT: { status: 504, summary: 'The Roboflow API did not answer in time.' },
  CORE_ERR_API_PAYMENT_REQUIRED: {
    status: 402,
    summary: 'The Roboflow workspace is out of credits (payment required).',
  },
  CORE_ERR_API_USAGE_PAUSED: { status: 423, summary: 'Roboflow API usage is paused for this workspace.' },
  // runtime
  CORE_ERR_RUNTIME_SESSION: { status: 500, summary: 'ONNX Runtime could not create the session.' },
  CORE_ERR_RUNTIME_RUN: { status: 500, summary: 'ONNX Runtime failed while running the model.' },
  CORE_ERR_PROVIDER_UNAVAILABLE: {
    status: 501,
    summary: 'The requested execution provider is not available.',
  },
  // parameters and processing
  CORE_ERR_INVALID_PARAMETER: {
    status: 400,
    summary: 'An inference parameter is out of range or of the wrong type.',
  },
  CORE_ERR_PREPROCESS: { status: 500, summary: 'The model preprocessing configuration is invalid.' },
  CORE_ERR_POSTPROCESS: {
    status: 500,
    summary: 'The model output cannot be decoded with its declared head.',
  },
  CORE_ERR_TASK_UNSUPPORTED: { status: 400, summary: 'The operation is not supported for this model task.' },
  CORE_ERR_DISPOSED: { status: 503, summary: 'The object was disposed and cannot be used.' },
} as const;

export type CoreErrorCode = keyof typeof CORE_ERROR_CODES;

/** Base class of every error the core throws. `code` is stable; `cause` keeps the foreign error. */
export class InferenceError extends Error {
  readonly code: CoreErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(
    code: CoreErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(
      message ?? CORE_ERROR_CODES[code].summary,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = 'InferenceError';
    this.code = code;
    this.status = CORE_ERROR_CODES[code].status;
    if (options?.details) this.details = options.details;
  }
}

/** Image input could not be turned into pixels. */
export class ImageInputError extends InferenceError {
  constructor(
    code: Extract<CoreErrorCode, `CORE_ERR_IMAGE_${string}`>,
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'ImageInputError';
  }
}

/** Model lookup, download or package problems. */
export class ModelError extends InferenceError {
  constructor(
    code: CoreErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(code, message, options);
    this.name = 'ModelError';
  }
}

export function isInferenceError(e: unknown): e is InferenceError {
  return e instanceof InferenceError;
}
