import { InvalidParameterError } from './errors.js';

/** How the API key travels: `legacy` query (v0) / body (v1), `both` adds a Bearer header, `header` uses only the header. */
export type ApiKeyTransport = 'legacy' | 'both' | 'header';

/** A confidence threshold in 0..1, or the server-side presets `"best"` / `"default"`. */
export type Confidence = number | 'best' | 'default';

/**
 * Inference parameters and client behaviour; the twin of Python's `InferenceConfiguration`.
 * Undefined fields are never sent. Build one with {@link createInferenceConfiguration}, which
 * fills the defaults and freezes it. The wire key of each field per route is in the README.
 */
export interface InferenceConfiguration {
  /** v1 `confidence`, v0 `confidence`. */
  readonly confidenceThreshold?: Confidence;
  /** v1 `keypoint_confidence` (keypoint models), v0 `keypoint_confidence`. */
  readonly keypointConfidenceThreshold?: number;
  /** v1 `iou_threshold`, v0 `overlap`. */
  readonly iouThreshold?: number;
  /** v1 `class_agnostic_nms` (detection, segmentation, keypoints). */
  readonly classAgnosticNms?: boolean;
  /** v1 `class_filter`: class names to keep. */
  readonly classFilter?: readonly string[];
  /** v1 and v0 `max_detections`. */
  readonly maxDetections?: number;
  /** v1 `max_candidates`. */
  readonly maxCandidates?: number;
  /** v1 `fix_batch_size`. */
  readonly fixBatchSize?: boolean;
  /** v1 `visualize_predictions`; default false and always sent on v1 (v0 uses `format`). */
  readonly visualizePredictions: boolean;
  /** v1 `visualization_labels`, v0 `labels`. */
  readonly visualizeLabels?: boolean;
  /** v1 `visualization_stroke_width`, v0 `stroke`. */
  readonly strokeWidth?: number;
  /** `disable_preproc_auto_orient` on both APIs. */
  readonly disablePreprocAutoOrientation?: boolean;
  /** `disable_preproc_contrast`. */
  readonly disablePreprocContrast?: boolean;
  /** `disable_preproc_grayscale`. */
  readonly disablePreprocGrayscale?: boolean;
  /** `disable_preproc_static_crop`. */
  readonly disablePreprocStaticCrop?: boolean;
  /** `disable_active_learning`; default false and always sent. */
  readonly disableActiveLearning: boolean;
  /** `active_learning_target_dataset`. */
  readonly activeLearningTargetDataset?: string;
  /** `source`. */
  readonly source?: string;
  /** `source_info`. */
  readonly sourceInfo?: string;
  /** `mask_decode_mode` (instance segmentation). */
  readonly maskDecodeMode?: 'accurate' | 'fast' | 'tradeoff';
  /** `tradeoff_factor` (instance segmentation, with `maskDecodeMode: 'tradeoff'`). */
  readonly tradeoffFactor?: number;
  /** `response_mask_format` (instance segmentation). */
  readonly responseMaskFormat?: 'polygon' | 'rle';
  /** v0 only: `format`. `image` makes the server answer a JPEG, returned as `{ visualization }`. */
  readonly format?: 'json' | 'image' | 'image_and_json';
  /** Query `countinference` (internal usage accounting). */
  readonly countInference?: boolean;
  /** Query `service_secret` (internal usage accounting). */
  readonly serviceSecret?: string;
  /** HTTP requests in flight at once per call. Default 1. */
  readonly maxConcurrentRequests: number;
  /** Images per v1 request (sent as a JSON list when > 1). v0 always sends one. Default 1. */
  readonly maxBatchSize: number;
  /** Default `legacy`. */
  readonly apiKeyTransport: ApiKeyTransport;
  /** Total tries per request, the first included, on 429/503/504 and connection errors. Default 3. */
  readonly retries: number;
  /** Delay before the first retry, in ms. Default 1000. */
  readonly retryBackoffMs: number;
  /** Each retry waits this many times longer than the previous one. Default 2; 1 gives Python's constant back-off. */
  readonly retryBackoffFactor: number;
  /** Upper bound of a retry delay, including one asked for by `Retry-After`, in ms. Default 30000. */
  readonly retryBackoffMaxMs: number;
  /** Fraction (0..1) of each delay that is randomised, so that clients do not retry in lock-step. Default 0.2. */
  readonly retryJitter: number;
  /** Abort a request (including reading its body) after this many ms; counts as a connection error. Default: none. */
  readonly requestTimeoutMs?: number;
}

/** What callers pass: any subset of the fields; the rest take their defaults. */
export type InferenceConfigurationInput = Partial<InferenceConfiguration>;

/** The defaults, matching Python's `InferenceConfiguration` except for the exponential retry back-off. */
export const DEFAULT_INFERENCE_CONFIGURATION: InferenceConfiguration = Object.freeze({
  visualizePredictions: false,
  disableActiveLearning: false,
  maxConcurrentRequests: 1,
  maxBatchSize: 1,
  apiKeyTransport: 'legacy',
  retries: 3,
  retryBackoffMs: 1000,
  retryBackoffFactor: 2,
  retryBackoffMaxMs: 30_000,
  retryJitter: 0.2,
});

function requireInt(cfg: InferenceConfiguration, key: keyof InferenceConfiguration, min: number): void {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new InvalidParameterError(`${key} must be an integer >= ${min}, got ${String(v)}`);
  }
}

function requireNumber(
  cfg: InferenceConfiguration,
  key: keyof InferenceConfiguration,
  min: number,
  max: number,
): void {
  const v = cfg[key];
  if (typeof v !== 'number' || !(v >= min && v <= max)) {
    throw new InvalidParameterError(`${key} must be a number in [${min}, ${max}], got ${String(v)}`);
  }
}

/**
 * Fills defaults, validates the client-side fields and freezes the result. Explicit `undefined`
 * values fall back to the defaults.
 * @example
 * const cfg = createInferenceConfiguration({ confidenceThreshold: 0.5, maxBatchSize: 4 });
 * cfg.maxConcurrentRequests // 1
 */
export function createInferenceConfiguration(
  input: InferenceConfigurationInput = {},
): InferenceConfiguration {
  const merged: Record<string, unknown> = { ...DEFAULT_INFERENCE_CONFIGURATION };
  for (const [k, v] of Object.entries(input)) if (v !== undefined) merged[k] = v;
  const cfg = merged as unknown as InferenceConfiguration;
  requireInt(cfg, 'maxConcurrentRequests', 1);
  requireInt(cfg, 'maxBatchSize', 1);
  requireInt(cfg, 'retries', 1);
  requireNumber(cfg, 'retryBackoffMs', 0, Number.MAX_SAFE_INTEGER);
  requireNumber(cfg, 'retryBackoffFactor', 1, 1000);
  requireNumber(cfg, 'retryBackoffMaxMs', 0, Number.MAX_SAFE_INTEGER);
  requireNumber(cfg, 'retryJitter', 0, 1);
  if (cfg.requestTimeoutMs !== undefined) requireNumber(cfg, 'requestTimeoutMs', 1, Number.MAX_SAFE_INTEGER);
  if (!['legacy', 'both', 'header'].includes(cfg.apiKeyTransport)) {
    throw new InvalidParameterError(
      `apiKeyTransport must be legacy, both or header, got ${cfg.apiKeyTransport}`,
    );
  }
  return Object.freeze(cfg);
}
