import {
  Detections,
  InstanceSegmentationResult,
  KeypointsResult,
  ObjectDetectionResult,
} from '@inference-ts/core';

/** The detections carried by a prediction (a core detection-style result, or `{ detections }`), if any. */
export function detectionsOf(prediction: unknown): Detections | undefined {
  if (typeof prediction !== 'object' || prediction === null) return undefined;
  const d = (prediction as { detections?: unknown }).detections;
  return d instanceof Detections ? d : undefined;
}

/**
 * A copy of a prediction with its detections replaced (e.g. by a tracker's output).
 * Core results are rebuilt with their own class so `toJSON()` serialises the new
 * detections (with `tracker_id`); plain objects are shallow-copied. Predictions without
 * detections come back unchanged.
 */
export function withDetections<P>(prediction: P, detections: Detections): P {
  const p = prediction as unknown;
  if (p instanceof ObjectDetectionResult) {
    return new ObjectDetectionResult(p.inferenceId, p.image, detections, p.classNames, p.timings) as P;
  }
  if (p instanceof InstanceSegmentationResult) {
    return new InstanceSegmentationResult(
      p.inferenceId,
      p.image,
      detections,
      p.classNames,
      p.timings,
      p.maskFormat,
    ) as P;
  }
  if (p instanceof KeypointsResult) {
    return new KeypointsResult(
      p.inferenceId,
      p.image,
      detections,
      p.classNames,
      p.timings,
      p.keypointNames,
      p.skeleton,
      p.keypointConfidence,
    ) as P;
  }
  if (detectionsOf(p)) return { ...(p as object), detections } as P;
  return prediction;
}
