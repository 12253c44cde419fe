import type { KeypointSpec, ModelManifest } from '../manifest/types.js';

/** The 17 COCO person keypoints, in the order COCO-trained pose models emit them. */
export const COCO_KEYPOINT_NAMES: readonly string[] = [
  'nose',
  'left_eye',
  'right_eye',
  'left_ear',
  'right_ear',
  'left_shoulder',
  'right_shoulder',
  'left_elbow',
  'right_elbow',
  'left_wrist',
  'right_wrist',
  'left_hip',
  'right_hip',
  'left_knee',
  'right_knee',
  'left_ankle',
  'right_ankle',
];

/** COCO's person skeleton as 0-based keypoint index pairs (legs, torso, arms, face). */
export const COCO_SKELETON: readonly (readonly [number, number])[] = [
  [15, 13],
  [13, 11],
  [16, 14],
  [14, 12],
  [11, 12],
  [5, 11],
  [6, 12],
  [5, 6],
  [5, 7],
  [6, 8],
  [7, 9],
  [8, 10],
  [1, 2],
  [0, 1],
  [0, 2],
  [1, 3],
  [2, 4],
  [3, 5],
  [4, 6],
];

/**
 * Keypoint names and skeleton for a model with K keypoints: the manifest's
 * when it declares them, COCO-17 when K is 17, else names '0'..'K-1' and no skeleton.
 *
 * @example
 * keypointSpecFor(manifest, 17).names[0] // 'nose' (when the manifest declares none)
 */
export function keypointSpecFor(manifest: Pick<ModelManifest, 'keypoints'>, k: number): KeypointSpec {
  if (manifest.keypoints && manifest.keypoints.names.length > 0) return manifest.keypoints;
  if (k === 17)
    return {
      names: [...COCO_KEYPOINT_NAMES],
      skeleton: COCO_SKELETON.map(([a, b]) => [a, b] as [number, number]),
    };
  return { names: Array.from({ length: k }, (_, i) => String(i)) };
}
