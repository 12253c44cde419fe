import { isInferenceError } from '@inference-ts/core';
import { isPipelineError } from '@inference-ts/pipeline';
import { isStreamManagerError, type StreamErrorCode, StreamManagerError } from './errors.js';

const PIPE: Record<string, StreamErrorCode> = {
  PIPE_ERR_SOURCE_NOT_FOUND: 'STREAM_ERR_SOURCE_NOT_FOUND',
  PIPE_ERR_SOURCE_CONNECTION: 'STREAM_ERR_SOURCE_NOT_FOUND',
  PIPE_ERR_SOURCE_STALLED: 'STREAM_ERR_SOURCE_NOT_FOUND',
  PIPE_ERR_PROBE_FAILED: 'STREAM_ERR_SOURCE_NOT_FOUND',
  PIPE_ERR_SOURCE_REFERENCE: 'STREAM_ERR_INVALID_PAYLOAD',
  PIPE_ERR_INVALID_OPTION: 'STREAM_ERR_INVALID_PAYLOAD',
  PIPE_ERR_GEOMETRY: 'STREAM_ERR_INVALID_WORKFLOW',
  PIPE_ERR_STATE: 'STREAM_ERR_OPERATION',
};

const CORE: Record<string, StreamErrorCode> = {
  CORE_ERR_MODEL_ID: 'STREAM_ERR_INVALID_PAYLOAD',
  CORE_ERR_MODEL_NOT_FOUND: 'STREAM_ERR_MODEL_NOT_FOUND',
  CORE_ERR_API_NOT_FOUND: 'STREAM_ERR_MODEL_NOT_FOUND',
  CORE_ERR_API_KEY_MISSING: 'STREAM_ERR_AUTHORISATION',
  CORE_ERR_API_UNAUTHORIZED: 'STREAM_ERR_AUTHORISATION',
  CORE_ERR_API_FORBIDDEN: 'STREAM_ERR_AUTHORISATION',
  CORE_ERR_API_UNREACHABLE: 'STREAM_ERR_OPERATION',
  CORE_ERR_API_TIMEOUT: 'STREAM_ERR_OPERATION',
  CORE_ERR_INVALID_PARAMETER: 'STREAM_ERR_INVALID_PAYLOAD',
  CORE_ERR_MODEL_MANIFEST: 'STREAM_ERR_INVALID_PAYLOAD',
  CORE_ERR_MODEL_FAMILY: 'STREAM_ERR_INVALID_PAYLOAD',
};

/** Our error for a foreign one (pipeline and core codes map to Roboflow's error types), keeping `cause`. */
export function toStreamError(e: unknown): StreamManagerError {
  if (isStreamManagerError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (isPipelineError(e)) {
    return new StreamManagerError(PIPE[e.code] ?? 'STREAM_ERR_INTERNAL', `${e.code}: ${message}`, {
      cause: e,
    });
  }
  if (isInferenceError(e)) {
    return new StreamManagerError(CORE[e.code] ?? 'STREAM_ERR_INTERNAL', `${e.code}: ${message}`, {
      cause: e,
    });
  }
  return new StreamManagerError('STREAM_ERR_INTERNAL', message, { cause: e });
}
