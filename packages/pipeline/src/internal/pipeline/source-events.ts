import type { SourceEvent } from '../sources/types.js';
import { errorPayload, type StatusEvent } from '../watchdog/events.js';

/** A source's own event as a pipeline status event (Roboflow's names and payload keys). */
export function sourceStatusEvent(e: SourceEvent): StatusEvent {
  const base = { timestamp: e.timestamp, severity: e.severity };
  const source_id = e.sourceId;
  switch (e.type) {
    case 'state':
      return {
        ...base,
        type: 'SOURCE_STATE_UPDATE',
        context: 'video_source',
        payload: { source_id, previous_state: e.previous, new_state: e.state },
      };
    case 'connected':
      return {
        ...base,
        type: 'VIDEO_CONSUMPTION_STARTED',
        context: 'video_source',
        payload: { source_id, reconnection: e.reconnection, properties: e.properties },
      };
    case 'frame_dropped':
      return {
        ...base,
        type: 'FRAME_DROPPED',
        context: 'video_source.video_consumer',
        payload: {
          source_id,
          frame_id: e.frameId,
          frame_timestamp: new Date(e.frameTimestamp).toISOString(),
          cause: e.cause,
        },
      };
    case 'reconnecting':
      return {
        ...base,
        type: 'SOURCE_RECONNECTING',
        context: 'video_source',
        payload: { source_id, attempt: e.attempt, delay_ms: e.delayMs, reason: e.reason },
      };
    case 'error':
      return {
        ...base,
        type: 'SOURCE_ERROR',
        context: 'video_source',
        payload: { source_id, ...errorPayload(e.error, e.context) },
      };
    case 'ended':
      return { ...base, type: 'VIDEO_CONSUMPTION_FINISHED', context: 'video_source', payload: { source_id } };
  }
}
