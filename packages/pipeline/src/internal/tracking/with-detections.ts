import { Detections } from '@inference-ts/core';

/** The detections carried by a prediction (a core detection-style result, or `{ detections }`), if any. */
export function detectionsOf(prediction: unknown): Detections | undefined {
  if (typeof prediction !== 'object' || prediction === null) return undefined;
  const d = (prediction as { detections?: unknown }).detections;
  return d instanceof Detections ? d : undefined;
}

/**
 * A copy of a prediction with its detections replaced (e.g. by a tracker's output).
 * Core results rebuild themselves (`withDetections`) so `toJSON()` serialises the new
 * detections with `tracker_id`; plain objects are shallow-copied. Predictions without
 * detections come back unchanged.
 */
export function withDetections<P>(prediction: P, detections: Detections): P {
  const p = prediction as unknown as { withDetections?: (d: Detections) => P };
  if (typeof p?.withDetections === 'function') return p.withDetections(detections);
  if (detectionsOf(prediction)) return { ...(prediction as object), detections } as P;
  return prediction;
}
