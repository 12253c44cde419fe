/**
 * Errors of the stream manager. Codes are stable and never reused. Each maps to
 * Roboflow's stream-manager `error_type` (and the Python client's exception
 * name) and to the HTTP status Roboflow's server answers with.
 */
export const STREAM_ERROR_CODES = {
  STREAM_ERR_INVALID_PAYLOAD: {
    status: 400,
    errorType: 'invalid_payload',
    summary: 'The initialise payload is malformed (wrong type, missing or unknown value).',
  },
  STREAM_ERR_INVALID_WORKFLOW: {
    status: 400,
    errorType: 'invalid_payload',
    summary: 'The workflow specification is not valid (unknown block, bad field or selector).',
  },
  STREAM_ERR_MALFORMED_REQUEST: {
    status: 400,
    errorType: 'invalid_payload',
    summary: 'The request body is not JSON or not an object.',
  },
  STREAM_ERR_AUTHORISATION: {
    status: 401,
    errorType: 'authorisation_error',
    summary: 'The Roboflow API refused the API key.',
  },
  STREAM_ERR_NOT_FOUND: {
    status: 404,
    errorType: 'not_found',
    summary: 'No pipeline with this id.',
  },
  STREAM_ERR_SOURCE_NOT_FOUND: {
    status: 404,
    errorType: 'not_found',
    summary: 'A video source could not be opened (missing file, unreachable stream).',
  },
  STREAM_ERR_MODEL_NOT_FOUND: {
    status: 404,
    errorType: 'not_found',
    summary: 'A model or named workflow was not found.',
  },
  STREAM_ERR_OPERATION: {
    status: 500,
    errorType: 'operation_error',
    summary: 'The operation is not possible in the pipeline’s current state.',
  },
  STREAM_ERR_RAM_LIMIT: {
    status: 503,
    errorType: 'operation_error',
    summary: 'Starting another pipeline would exceed STREAM_MANAGER_MAX_RAM_MB.',
  },
  STREAM_ERR_WORKER_TIMEOUT: {
    status: 500,
    errorType: 'internal_error',
    summary: 'The pipeline process did not answer in time.',
  },
  STREAM_ERR_WORKER_EXITED: {
    status: 500,
    errorType: 'internal_error',
    summary: 'The pipeline process exited before answering.',
  },
  STREAM_ERR_SHUTTING_DOWN: {
    status: 503,
    errorType: 'operation_error',
    summary: 'The stream manager is shutting down.',
  },
  STREAM_ERR_MANAGER_UNAVAILABLE: {
    status: 503,
    errorType: 'internal_error',
    summary: 'The stream manager process cannot be reached (it is starting or restarting).',
  },
  STREAM_ERR_SQLITE_UNAVAILABLE: {
    status: 500,
    errorType: 'internal_error',
    summary:
      'SQLite (better-sqlite3, an optional dependency compiled at install) is not built here: install python3, make and g++, then run `pnpm rebuild better-sqlite3`.',
  },
  STREAM_ERR_INTERNAL: {
    status: 500,
    errorType: 'internal_error',
    summary: 'Unexpected failure in the stream manager.',
  },
} as const;

export type StreamErrorCode = keyof typeof STREAM_ERROR_CODES;
export type RoboflowErrorType = (typeof STREAM_ERROR_CODES)[StreamErrorCode]['errorType'];

/** The Python client's exception names, by error type (Roboflow's `error_type` field of HTTP bodies). */
export const ROBOFLOW_EXCEPTION: Readonly<Record<RoboflowErrorType, string>> = {
  invalid_payload: 'ProcessesManagerInvalidPayload',
  authorisation_error: 'ProcessesManagerAuthorisationError',
  not_found: 'ProcessesManagerNotFoundError',
  operation_error: 'ProcessesManagerOperationError',
  internal_error: 'ProcessesManagerInternalError',
};

/** A stream-manager failure with a stable code. */
export class StreamManagerError extends Error {
  readonly code: StreamErrorCode;

  constructor(code: StreamErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? STREAM_ERROR_CODES[code].summary, options);
    this.name = 'StreamManagerError';
    this.code = code;
  }

  get status(): number {
    return STREAM_ERROR_CODES[this.code].status;
  }

  get errorType(): RoboflowErrorType {
    return STREAM_ERROR_CODES[this.code].errorType;
  }
}

export const isStreamManagerError = (e: unknown): e is StreamManagerError => e instanceof StreamManagerError;

/** Plain data for IPC (errors do not survive structured clone with their class). */
export interface SerializedError {
  code: StreamErrorCode;
  message: string;
}

export function serializeError(e: unknown): SerializedError {
  if (isStreamManagerError(e)) return { code: e.code, message: e.message };
  return { code: 'STREAM_ERR_INTERNAL', message: e instanceof Error ? e.message : String(e) };
}

export const deserializeError = (e: SerializedError): StreamManagerError =>
  new StreamManagerError(e.code in STREAM_ERROR_CODES ? e.code : 'STREAM_ERR_INTERNAL', e.message);

/**
 * Roboflow's HTTP error body for a stream-manager failure:
 * `{message, error_type, inner_error_type}` (its `ProcessesManager*` exception names).
 */
export function roboflowErrorBody(e: StreamManagerError): {
  message: string;
  error_type: string;
  inner_error_type: string | null;
} {
  return {
    message: `Error with command handling raised by InferencePipeline Manager. Error type: ${e.errorType}. Details: ${e.message}`,
    error_type: ROBOFLOW_EXCEPTION[e.errorType],
    inner_error_type: null,
  };
}
