import type { InferenceConfiguration } from './configuration.js';
import type {
  WIRE_BASE_PROPERTIES,
  WIRE_DETECTION_PROPERTIES,
  WIRE_LEGACY_QUERY_SCHEMA,
  WireTaskParams,
} from './wire-params.js';

type V1BodyKey =
  | keyof WireTaskParams
  | keyof typeof WIRE_BASE_PROPERTIES
  | keyof typeof WIRE_DETECTION_PROPERTIES;
type V0QueryKey = keyof (typeof WIRE_LEGACY_QUERY_SCHEMA)['properties'];

/** Task types that have a v1 `/infer/*` route, as `/model/registry` names them. */
export type V1TaskType =
  | 'object-detection'
  | 'instance-segmentation'
  | 'keypoint-detection'
  | 'classification'
  | 'semantic-segmentation';

/** v1 route segment per task type. */
export const V1_INFER_ROUTES: Readonly<Record<V1TaskType, string>> = Object.freeze({
  'object-detection': 'object_detection',
  'instance-segmentation': 'instance_segmentation',
  'keypoint-detection': 'keypoints_detection',
  classification: 'classification',
  'semantic-segmentation': 'semantic_segmentation',
});

/** True when `task` has a v1 inference route. */
export function isV1TaskType(task: string): task is V1TaskType {
  return Object.hasOwn(V1_INFER_ROUTES, task);
}

type ParamKey = Exclude<
  keyof InferenceConfiguration,
  | 'countInference'
  | 'serviceSecret'
  | 'maxConcurrentRequests'
  | 'maxBatchSize'
  | 'apiKeyTransport'
  | 'retries'
  | 'retryBackoffMs'
  | 'retryBackoffFactor'
  | 'retryBackoffMaxMs'
  | 'retryJitter'
  | 'requestTimeoutMs'
>;

const ALL: readonly V1TaskType[] = Object.keys(V1_INFER_ROUTES) as V1TaskType[];
const DETECTORS: readonly V1TaskType[] = ['object-detection', 'instance-segmentation', 'keypoint-detection'];
const WITH_STROKE: readonly V1TaskType[] = [...DETECTORS, 'classification'];

/**
 * One row per configuration field: its v1 body key and the tasks that take it, and its v0
 * (legacy route) query key, or null where v0 has none. Row order is the v1 body key order.
 */
const PARAM_TABLE: readonly {
  field: ParamKey;
  /** A v1 body key of the wire contract (wire-params.ts), so a misspelling does not compile. */
  v1: V1BodyKey | null;
  tasks: readonly V1TaskType[];
  /** A legacy query key of the wire contract. */
  v0: V0QueryKey | null;
}[] = [
  { field: 'visualizePredictions', v1: 'visualize_predictions', tasks: ALL, v0: null },
  { field: 'confidenceThreshold', v1: 'confidence', tasks: ALL, v0: 'confidence' },
  {
    field: 'keypointConfidenceThreshold',
    v1: 'keypoint_confidence',
    tasks: ['keypoint-detection'],
    v0: 'keypoint_confidence',
  },
  { field: 'iouThreshold', v1: 'iou_threshold', tasks: DETECTORS, v0: 'overlap' },
  { field: 'classAgnosticNms', v1: 'class_agnostic_nms', tasks: DETECTORS, v0: null },
  { field: 'classFilter', v1: 'class_filter', tasks: DETECTORS, v0: null },
  { field: 'maxDetections', v1: 'max_detections', tasks: DETECTORS, v0: 'max_detections' },
  { field: 'maxCandidates', v1: 'max_candidates', tasks: DETECTORS, v0: null },
  { field: 'fixBatchSize', v1: 'fix_batch_size', tasks: DETECTORS, v0: null },
  { field: 'visualizeLabels', v1: 'visualization_labels', tasks: DETECTORS, v0: 'labels' },
  { field: 'strokeWidth', v1: 'visualization_stroke_width', tasks: WITH_STROKE, v0: 'stroke' },
  {
    field: 'disablePreprocAutoOrientation',
    v1: 'disable_preproc_auto_orient',
    tasks: ALL,
    v0: 'disable_preproc_auto_orient',
  },
  {
    field: 'disablePreprocContrast',
    v1: 'disable_preproc_contrast',
    tasks: ALL,
    v0: 'disable_preproc_contrast',
  },
  {
    field: 'disablePreprocGrayscale',
    v1: 'disable_preproc_grayscale',
    tasks: ALL,
    v0: 'disable_preproc_grayscale',
  },
  {
    field: 'disablePreprocStaticCrop',
    v1: 'disable_preproc_static_crop',
    tasks: ALL,
    v0: 'disable_preproc_static_crop',
  },
  {
    field: 'disableActiveLearning',
    v1: 'disable_active_learning',
    tasks: ALL,
    v0: 'disable_active_learning',
  },
  {
    field: 'activeLearningTargetDataset',
    v1: 'active_learning_target_dataset',
    tasks: ALL,
    v0: 'active_learning_target_dataset',
  },
  { field: 'source', v1: 'source', tasks: ALL, v0: 'source' },
  { field: 'sourceInfo', v1: 'source_info', tasks: ALL, v0: 'source_info' },
  {
    field: 'maskDecodeMode',
    v1: 'mask_decode_mode',
    tasks: ['instance-segmentation'],
    v0: 'mask_decode_mode',
  },
  { field: 'tradeoffFactor', v1: 'tradeoff_factor', tasks: ['instance-segmentation'], v0: 'tradeoff_factor' },
  {
    field: 'responseMaskFormat',
    v1: 'response_mask_format',
    tasks: ['instance-segmentation'],
    v0: 'response_mask_format',
  },
  { field: 'format', v1: null, tasks: [], v0: 'format' },
];

/**
 * The v1 body keys for `task`, in wire order; undefined fields are left out.
 * @example
 * v1BodyParams(createInferenceConfiguration({ confidenceThreshold: 0.5 }), 'object-detection')
 * // { visualize_predictions: false, confidence: 0.5, disable_active_learning: false }
 */
export function v1BodyParams(cfg: InferenceConfiguration, task: V1TaskType): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of PARAM_TABLE) {
    const value = cfg[row.field];
    if (row.v1 !== null && value !== undefined && row.tasks.includes(task)) out[row.v1] = value;
  }
  return out;
}

/** The v0 (legacy route) query params, as strings; booleans are `true`/`false`. */
export function v0QueryParams(cfg: InferenceConfiguration): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of PARAM_TABLE) {
    const value = cfg[row.field];
    if (row.v0 !== null && value !== undefined) out[row.v0] = String(value);
  }
  return { ...out, ...usageQueryParams(cfg) };
}

/** `countinference` / `service_secret`, sent as query params on every inference route when set. */
export function usageQueryParams(cfg: InferenceConfiguration): Record<string, string> {
  const out: Record<string, string> = {};
  if (cfg.countInference !== undefined) out.countinference = String(cfg.countInference);
  if (cfg.serviceSecret !== undefined) out.service_secret = cfg.serviceSecret;
  return out;
}
