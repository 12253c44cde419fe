/**
 * Every error the pipeline package raises, with a stable code. Codes are never
 * reused once retired. `status` is the HTTP status a server should answer with
 * (the server maps codes to body shapes in one place).
 */
export const PIPELINE_ERROR_CODES = {
  // ffmpeg
  PIPE_ERR_FFMPEG_NOT_FOUND: {
    status: 500,
    summary: 'No ffmpeg binary was found (option, FFMPEG_PATH, system PATH or @ffmpeg-installer/ffmpeg).',
  },
  PIPE_ERR_FFMPEG_FAILED: { status: 500, summary: 'ffmpeg exited with an error while decoding.' },
  PIPE_ERR_PROBE_FAILED: {
    status: 400,
    summary: 'The source properties could not be probed (not a video?).',
  },
  // sources
  PIPE_ERR_SOURCE_REFERENCE: {
    status: 400,
    summary: 'The video reference is not a supported kind of source.',
  },
  PIPE_ERR_SOURCE_NOT_FOUND: { status: 404, summary: 'The file, directory or glob matches nothing.' },
  PIPE_ERR_SOURCE_CONNECTION: {
    status: 503,
    summary: 'The source could not be opened or connected in time.',
  },
  PIPE_ERR_SOURCE_STALLED: {
    status: 503,
    summary: 'A live source delivered no frame within the stall timeout.',
  },
  PIPE_ERR_SOURCE_DECODE: { status: 500, summary: 'A frame of the source could not be decoded.' },
  PIPE_ERR_PRODUCER: {
    status: 500,
    summary: 'The user-supplied frame producer failed or produced an invalid frame.',
  },
  PIPE_ERR_STATE: { status: 409, summary: 'The operation is not allowed in the current state.' },
  PIPE_ERR_INVALID_OPTION: { status: 400, summary: 'An option is out of range or of the wrong type.' },
  // sinks and the pipeline
  PIPE_ERR_SINK_FAILED: {
    status: 500,
    summary: 'A sink failed while handling predictions (the pipeline goes on).',
  },
  PIPE_ERR_SINK_CLOSED: { status: 409, summary: 'The sink was closed and takes no more predictions.' },
  PIPE_ERR_SINK_PAYLOAD_TOO_LARGE: { status: 500, summary: 'A prediction does not fit in one UDP datagram.' },
  PIPE_ERR_VIDEO_WRITE: { status: 500, summary: 'ffmpeg failed while encoding the output video.' },
  PIPE_ERR_INFERENCE: { status: 500, summary: 'The model or on-video-frame handler failed on a batch.' },
  PIPE_ERR_SINK_OPEN: {
    status: 400,
    summary: 'A sink could not be opened at start (unwritable path, unknown host, port in use).',
  },
  PIPE_ERR_SINK_ERROR_LIMIT: {
    status: 500,
    summary: 'A sink failed on too many batches in a row; the pipeline stopped.',
  },
  // analytics
  PIPE_ERR_GEOMETRY: {
    status: 400,
    summary: 'A line or zone is malformed (too few points, not finite, zero length or no area).',
  },
  PIPE_ERR_UNTRACKED: {
    status: 400,
    summary: 'Line and zone analytics need tracked detections; a detection has no tracker id.',
  },
} as const;

/** A stable pipeline error code, e.g. `PIPE_ERR_FFMPEG_NOT_FOUND`. */
export type PipelineErrorCode = keyof typeof PIPELINE_ERROR_CODES;

/**
 * Base class of every error this package throws. `code` is stable; `cause`
 * keeps the foreign error. Messages never contain URL credentials.
 * @example
 * try { await VideoSource.create('/nope.mp4'); } catch (e) {
 *   if (isPipelineError(e)) e.code; // 'PIPE_ERR_SOURCE_NOT_FOUND'
 * }
 */
export class PipelineError extends Error {
  readonly code: PipelineErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(
    code: PipelineErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(
      message ?? PIPELINE_ERROR_CODES[code].summary,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = 'PipelineError';
    this.code = code;
    this.status = PIPELINE_ERROR_CODES[code].status;
    if (options?.details) this.details = options.details;
  }
}

/** True for errors raised by this package. */
export function isPipelineError(e: unknown): e is PipelineError {
  return e instanceof PipelineError;
}
