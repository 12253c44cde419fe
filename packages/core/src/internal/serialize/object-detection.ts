import type { WireObjectDetectionPrediction } from '@inference-ts/sdk/wire';
import type { Detections } from '../detections/detections.js';

/** Round to the precision Roboflow-compatible clients expect without printing float noise. */
export function round(v: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * Roboflow object-detection predictions from detections in image pixels:
 * `x`, `y` box centre, `width`, `height`, `confidence`, `class`, `class_id`, `detection_id`
 * (`tracker_id` / `parent_id` only when set).
 */
export function toWireDetections(
  d: Detections,
  classNames: readonly string[],
): WireObjectDetectionPrediction[] {
  const out: WireObjectDetectionPrediction[] = new Array(d.length);
  const ids = d.data.detectionId as readonly string[] | undefined;
  const parents = d.data.parentId as readonly (string | undefined)[] | undefined;
  for (let i = 0; i < d.length; i++) {
    const x1 = d.xyxy[i * 4];
    const y1 = d.xyxy[i * 4 + 1];
    const x2 = d.xyxy[i * 4 + 2];
    const y2 = d.xyxy[i * 4 + 3];
    const cls = d.classId[i];
    const p: WireObjectDetectionPrediction = {
      x: round((x1 + x2) / 2),
      y: round((y1 + y2) / 2),
      width: round(x2 - x1),
      height: round(y2 - y1),
      confidence: round(d.confidence[i], 4),
      class: classNames[cls] ?? String(cls),
      class_id: cls,
      detection_id: ids?.[i] ?? '',
    };
    if (d.trackerId && d.trackerId[i] >= 0) p.tracker_id = d.trackerId[i];
    const parent = parents?.[i];
    if (parent) p.parent_id = parent;
    out[i] = p;
  }
  return out;
}
