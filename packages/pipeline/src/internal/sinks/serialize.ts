import { analyticsJson, type FrameAnalyticsJson } from '../analytics/frame-analytics.js';
import type { VideoFrame } from '../types.js';

/** The JSON form of a prediction: its `toJSON()` when it has one (core results), else itself. */
export function predictionJson(prediction: unknown): unknown {
  if (typeof prediction === 'object' && prediction !== null) {
    const toJSON = (prediction as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJSON.call(prediction);
  }
  return prediction;
}

/** Frame metadata as JSON (snake_case like Roboflow; times as ISO-8601). */
export function frameMetadata(frame: VideoFrame): {
  source_id: number;
  frame_id: number;
  frame_timestamp: string;
} {
  return {
    source_id: frame.sourceId,
    frame_id: frame.frameId,
    frame_timestamp: new Date(frame.frameTimestamp).toISOString(),
  };
}

/** `JSON.stringify` that writes typed arrays as plain arrays (custom predictions may hold them). */
export function stringifyPrediction(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v,
  );
}

/**
 * One frame's JSON record (a jsonl line): frame metadata, the prediction's JSON, and the
 * frame's line/zone analytics when the pipeline computed them.
 */
export function frameRecord(
  prediction: unknown,
  frame: VideoFrame,
): ReturnType<typeof frameMetadata> & { predictions: unknown; analytics?: FrameAnalyticsJson } {
  return {
    ...frameMetadata(frame),
    predictions: predictionJson(prediction),
    ...(frame.analytics ? { analytics: analyticsJson(frame.analytics) } : {}),
  };
}
