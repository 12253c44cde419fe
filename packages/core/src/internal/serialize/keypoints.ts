import type { WireKeypoint, WireKeypointsPrediction } from '@inference-ts/sdk/wire';
import type { Detections } from '../detections/detections.js';
import { round, toWireDetections } from './object-detection.js';

/**
 * Roboflow keypoint predictions: object-detection keys plus `keypoints`
 * `[{x, y, confidence, class_id, class}]` where `class` is the keypoint name;
 * keypoints below `minConfidence` are left out, as Roboflow does.
 */
export function toWireKeypoints(
  d: Detections,
  classNames: readonly string[],
  keypointNames: readonly string[],
  minConfidence = 0,
): WireKeypointsPrediction[] {
  const k = d.keypointCount;
  return toWireDetections(d, classNames).map((p, i) => {
    const keypoints: WireKeypoint[] = [];
    const kp = d.keypoints;
    if (kp) {
      for (let j = 0; j < k; j++) {
        const o = (i * k + j) * 3;
        const conf = kp[o + 2];
        if (conf < minConfidence) continue;
        keypoints.push({
          x: round(kp[o]),
          y: round(kp[o + 1]),
          confidence: round(conf, 4),
          class_id: j,
          class: keypointNames[j] ?? String(j),
        });
      }
    }
    return { ...p, keypoints };
  });
}
