/**
 * Errors raised by the HTTP layer itself (not by the core). Codes are stable
 * and never reused; `status` is the HTTP status; `retryAfter` (seconds) is
 * sent as `Retry-After` when set.
 */
export const SERVER_ERROR_CODES = {
  SERVER_ERR_CONTENT_TYPE_MISSING: { status: 400, summary: 'Content-Type header not provided with request.' },
  SERVER_ERR_CONTENT_TYPE_INVALID: {
    status: 400,
    summary: 'Invalid Content-Type header provided with request.',
  },
  SERVER_ERR_MULTIPART_FIELD: { status: 400, summary: "Expected image to be send in part named 'file'." },
  SERVER_ERR_TOO_MANY_IMAGES: {
    status: 400,
    summary: 'The request holds more images than this server accepts at once (MAX_BATCH_SIZE).',
  },
  SERVER_ERR_IMAGE_TYPE: { status: 400, summary: 'Image declaration contains not recognised image type.' },
  SERVER_ERR_MODEL_ID_REFUSED: {
    status: 400,
    summary: 'This kind of model id is not allowed by the server configuration.',
  },
  SERVER_ERR_MODEL_INVALID: {
    status: 400,
    summary:
      'The model the request named cannot be loaded (not ONNX, truncated, or inputs/outputs no head fits).',
  },
  SERVER_ERR_BAD_REQUEST: { status: 400, summary: 'The HTTP request is malformed.' },
  SERVER_ERR_REQUEST_TIMEOUT: { status: 408, summary: 'The request was not received in time.' },
  SERVER_ERR_HEADERS_TOO_LARGE: {
    status: 431,
    summary: 'The request headers are larger than the server accepts.',
  },
  SERVER_ERR_UNAUTHORIZED: { status: 401, summary: 'Unauthorized api_key' },
  SERVER_ERR_NOT_FOUND: { status: 404, summary: 'Not Found' },
  SERVER_ERR_BODY_TOO_LARGE: { status: 413, summary: 'The request body is larger than the server accepts.' },
  SERVER_ERR_PIXELS_TOO_MANY: {
    status: 413,
    summary: "The request's images decode to more pixels than the server holds at once (MAX_DECODED_PIXELS).",
  },
  SERVER_ERR_QUEUE_FULL: {
    status: 429,
    summary: 'Too many requests are waiting for this model; retry later.',
  },
  SERVER_ERR_MODEL_NOT_READY: { status: 503, summary: 'Model is temporarily not ready - retry request.' },
  SERVER_ERR_SHUTTING_DOWN: { status: 503, summary: 'The server is shutting down.' },
  SERVER_ERR_PIXEL_BUDGET_BUSY: {
    status: 503,
    summary: 'Other requests hold the decoded-pixel budget and no room freed in time; retry later.',
  },
  SERVER_ERR_QUEUE_UNAVAILABLE: {
    status: 503,
    summary: 'The job queue (Redis) of this front is unreachable; retry later.',
  },
  SERVER_ERR_NO_WORKER: { status: 503, summary: 'No live worker serves this model; retry later.' },
  SERVER_ERR_BACKLOG: {
    status: 503,
    summary: "Too many jobs are waiting in this model's queue for the workers; retry later.",
  },
  SERVER_ERR_TIMEOUT: { status: 504, summary: 'The request did not finish within the server time limit.' },
  SERVER_ERR_NOT_SUPPORTED: {
    status: 501,
    summary: 'This Roboflow Inference feature is not served by this server.',
  },
  SERVER_ERR_DEPRECATED: { status: 410, summary: 'This feature was removed from Roboflow Inference.' },
  SERVER_ERR_CLIENT_CLOSED: {
    status: 499,
    summary: 'The client closed the connection before the answer; its work was abandoned.',
  },
} as const;

export type ServerErrorCode = keyof typeof SERVER_ERROR_CODES;

/** An error the HTTP layer raises on purpose; the error mapper turns it into a Roboflow-shaped body. */
export class ServerError extends Error {
  readonly code: ServerErrorCode;
  readonly status: number;
  /** Seconds for `Retry-After`. */
  readonly retryAfter?: number;

  constructor(code: ServerErrorCode, message?: string, options?: { cause?: unknown; retryAfter?: number }) {
    super(
      message ?? SERVER_ERROR_CODES[code].summary,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = 'ServerError';
    this.code = code;
    this.status = SERVER_ERROR_CODES[code].status;
    if (options?.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
}
