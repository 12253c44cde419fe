import type { Severity } from '../sources/types.js';

export type { Severity };

/** Numeric level of each severity (Roboflow's DEBUG=10 … ERROR=40), for filtering (`SEVERITY_LEVEL[e.severity] >= 20`). */
export const SEVERITY_LEVEL: Readonly<Record<Severity, number>> = {
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
};

/**
 * Event types the pipeline emits (Roboflow names where one exists). Sources may add
 * their own types; consumers should ignore types they do not know.
 */
export type PipelineEventType =
  | 'PIPELINE_STATE_UPDATE'
  | 'PIPELINE_TIMEOUT'
  /** `start()` failed (a sink could not open); the payload holds the error. */
  | 'PIPELINE_START_FAILED'
  /** A sink went over `maxConsecutiveSinkErrors`; the pipeline stops in ERROR. */
  | 'PIPELINE_STOPPED'
  | 'INFERENCE_THREAD_STARTED'
  | 'INFERENCE_THREAD_FINISHED'
  | 'INFERENCE_STARTED'
  | 'INFERENCE_COMPLETED'
  | 'INFERENCE_ERROR'
  | 'INFERENCE_RESULTS_DISPATCHING_ERROR'
  | 'FRAME_DROPPED'
  | 'SOURCE_STATE_UPDATE'
  | 'SOURCE_ERROR'
  | 'SOURCE_RECONNECTING'
  | 'VIDEO_CONSUMPTION_STARTED'
  | 'VIDEO_CONSUMPTION_FINISHED';

/** Where an event comes from (Roboflow's `context` strings). */
export type EventContext =
  | 'inference_pipeline'
  | 'inference_results_dispatching'
  | 'video_source'
  | 'video_source.video_consumer'
  | (string & {});

/**
 * One status update. `payload` keys are snake_case like Roboflow's
 * (`source_id`, `frame_id`, `error_type`, `error_message`, `error_context`, `cause`, ...).
 *
 * @example
 * { timestamp: 1732680000000, severity: 'error', type: 'INFERENCE_RESULTS_DISPATCHING_ERROR',
 *   context: 'inference_results_dispatching',
 *   payload: { error_type: 'PipelineError', error_message: 'disk full', error_context: 'sink 1' } }
 */
export interface StatusEvent {
  /** ms since epoch. */
  timestamp: number;
  severity: Severity;
  type: PipelineEventType | (string & {});
  context: EventContext;
  payload: Record<string, unknown>;
}

/** Receives status events; must be fast (it runs on the event loop) and its errors are swallowed. */
export type StatusHandler = (event: StatusEvent) => void;

/** Build an event stamped now. */
export function statusEvent(
  type: StatusEvent['type'],
  severity: Severity,
  context: EventContext,
  payload: Record<string, unknown> = {},
): StatusEvent {
  return { timestamp: Date.now(), severity, type, context, payload };
}

/** Roboflow's error payload (`error_type`, `error_message`, `error_context`) for any thrown value. */
export function errorPayload(error: unknown, context: string): Record<string, unknown> {
  const e = error instanceof Error ? error : new Error(String(error));
  const payload: Record<string, unknown> = {
    error_type: e.name,
    error_message: e.message,
    error_context: context,
  };
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') payload.error_code = code;
  return payload;
}
