/** Detection post-processing parameters, with Roboflow's names in camelCase and Roboflow's defaults. */
export interface DetectionParams {
  /** Minimum confidence (default 0.4). */
  confidence?: number;
  /** NMS IoU threshold (default 0.3). */
  iouThreshold?: number;
  /** NMS across classes instead of per class (default false). */
  classAgnosticNms?: boolean;
  /** Keep at most this many detections after NMS (default 300). */
  maxDetections?: number;
  /** Keep at most this many candidates (highest confidence) before NMS (default 3000). */
  maxCandidates?: number;
  /** Keep only these class names (default: all). */
  classFilter?: string[];
}

export const DETECTION_DEFAULTS = {
  confidence: 0.4,
  iouThreshold: 0.3,
  classAgnosticNms: false,
  maxDetections: 300,
  maxCandidates: 3000,
} as const;

export type ResolvedDetectionParams = Required<Omit<DetectionParams, 'classFilter'>> & {
  classFilter?: string[];
};

export function resolveDetectionParams(p: DetectionParams = {}): ResolvedDetectionParams {
  return {
    confidence: p.confidence ?? DETECTION_DEFAULTS.confidence,
    iouThreshold: p.iouThreshold ?? DETECTION_DEFAULTS.iouThreshold,
    classAgnosticNms: p.classAgnosticNms ?? DETECTION_DEFAULTS.classAgnosticNms,
    maxDetections: p.maxDetections ?? DETECTION_DEFAULTS.maxDetections,
    maxCandidates: p.maxCandidates ?? DETECTION_DEFAULTS.maxCandidates,
    ...(p.classFilter ? { classFilter: p.classFilter } : {}),
  };
}
