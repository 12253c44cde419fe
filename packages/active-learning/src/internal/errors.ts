/**
 * Every error the active-learning package raises, with a stable code. Codes are
 * never reused once retired. `status` is the HTTP status a server would answer with.
 */
export const AL_ERROR_CODES = {
  AL_ERR_CONFIG_INVALID: {
    status: 400,
    summary: 'The active learning configuration is malformed (missing key, bad type, bad enum or bad value).',
  },
  AL_ERR_CONFIG_FILE: {
    status: 400,
    summary: 'The active learning configuration file cannot be read or parsed.',
  },
  AL_ERR_CONFIG_FETCH: {
    status: 502,
    summary: 'The active learning configuration could not be fetched from the Roboflow API.',
  },
  AL_ERR_TARGET_INVALID: {
    status: 400,
    summary: 'The active learning target is not `roboflow` or `dir:<path>` (or lacks what it needs).',
  },
  AL_ERR_UPLOAD_REJECTED: {
    status: 502,
    summary: 'The target answered an image upload with neither success nor duplicate.',
  },
  AL_ERR_TARGET_UNAVAILABLE: {
    status: 503,
    summary: 'The target could not be reached or failed transiently; delivery is retried with back-off.',
  },
  AL_ERR_PREDICTION_FORMAT: {
    status: 400,
    summary:
      'The prediction cannot be persisted as an annotation (multi-label classification, or malformed).',
  },
  AL_ERR_OUTBOX_FULL: {
    status: 507,
    summary:
      'The outbox is at ACTIVE_LEARNING_OUTBOX_MAX_MB (or the submit queue is full); the datapoint was refused.',
  },
  AL_ERR_CLOSED: { status: 409, summary: 'The active learning instance was closed.' },
  AL_ERR_SQLITE_UNAVAILABLE: {
    status: 500,
    summary:
      'SQLite (better-sqlite3, an optional dependency compiled at install) is not built here: install python3, make and g++, then run `pnpm rebuild better-sqlite3`.',
  },
} as const;

/** A stable active-learning error code, e.g. `AL_ERR_CONFIG_INVALID`. */
export type ActiveLearningErrorCode = keyof typeof AL_ERROR_CODES;

/**
 * Base class of every error this package throws; `cause` keeps a foreign error.
 * @example
 * try { parseActiveLearningConfig({}); } catch (e) {
 *   if (isActiveLearningError(e)) e.code; // 'AL_ERR_CONFIG_INVALID'
 * }
 */
export class ActiveLearningError extends Error {
  readonly code: ActiveLearningErrorCode;
  readonly status: number;
  /** For AL_ERR_CONFIG_INVALID: the JSON path of the offending key, e.g. `sampling_strategies[1].epsilon`. */
  readonly path?: string;

  constructor(code: ActiveLearningErrorCode, message?: string, options?: { cause?: unknown; path?: string }) {
    super(
      message ?? AL_ERROR_CODES[code].summary,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = 'ActiveLearningError';
    this.code = code;
    this.status = AL_ERROR_CODES[code].status;
    if (options?.path !== undefined) this.path = options.path;
  }
}

/** True for errors raised by this package. */
export function isActiveLearningError(e: unknown): e is ActiveLearningError {
  return e instanceof ActiveLearningError;
}
