/** Roboflow task-type strings (§3.3). */
export type PredictionType =
  | 'object-detection'
  | 'instance-segmentation'
  | 'keypoint-detection'
  | 'classification';

/** One detection in Roboflow's wire JSON (centre x/y, width, height in image pixels). */
export interface WireDetection {
  x: number;
  y: number;
  width: number;
  height: number;
  confidence: number;
  class: string;
  class_id?: number;
  points?: { x: number; y: number }[];
  keypoints?: { x: number; y: number; confidence: number; class_id?: number; class?: string }[];
  [k: string]: unknown;
}

/** A multi-class classification entry. */
export interface WireClass {
  class: string;
  class_id?: number;
  confidence: number;
}

/**
 * A model answer as the server puts it on the wire: detection
 * (`predictions[]` of boxes), multi-class classification (`predictions[]` +
 * `top` + `confidence`), multi-label classification (`predictions{}` +
 * `predicted_classes`), or a stub (`is_stub: true`).
 */
export interface WirePrediction {
  image?: { width: number; height: number };
  predictions?: WireDetection[] | WireClass[] | Record<string, { confidence: number; class_id?: number }>;
  top?: string;
  confidence?: number;
  predicted_classes?: string[];
  is_stub?: boolean;
  [k: string]: unknown;
}

export const isStub = (p: WirePrediction): boolean => p.is_stub === true;

/** Multi-label: `predictions` is an object keyed by class name. */
export const isMultiLabel = (p: WirePrediction): boolean =>
  typeof p.predictions === 'object' && p.predictions !== null && !Array.isArray(p.predictions);

export const isDetectionType = (t: PredictionType): boolean =>
  t === 'object-detection' || t === 'instance-segmentation' || t === 'keypoint-detection';

/** The detection list of a detection-type prediction ([] when absent). */
export function detectionsOf(p: WirePrediction): WireDetection[] {
  return Array.isArray(p.predictions) ? (p.predictions as WireDetection[]) : [];
}
