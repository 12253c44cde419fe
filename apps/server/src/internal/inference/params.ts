import type { WireLegacyQuery, WireTaskParams } from '@inference-ts/sdk/wire';

/** How to draw predictions when a request asks for a visualisation. */
export interface VisualizeOptions {
  labels: boolean;
  strokeWidth: number;
}

export { inferOptionsFromWire as toInferOptions } from '@inference-ts/core';
// The wire names are the SDK's (the contract); the mapping to InferOptions is the core's.
export type { WireTaskParams } from '@inference-ts/sdk/wire';

/** The visualisation a v1 body asks for, or undefined. */
export function toVisualize(p: WireTaskParams): VisualizeOptions | undefined {
  if (!p.visualize_predictions) return undefined;
  return { labels: p.visualization_labels ?? false, strokeWidth: p.visualization_stroke_width ?? 1 };
}

/** Query parameters of the legacy `/{dataset_id}/{version_id}` route (contract §1.1). */
export type LegacyQuery = WireLegacyQuery;

/** Smallest confidence the legacy route lets through (Roboflow's OOM guard). */
const CONFIDENCE_LOWER_BOUND = 0.01;

/** Legacy percentages: values >= 1 are read as percent. */
const fraction = (v: number) => (v >= 1 ? v / 100 : v);

/** Legacy query -> the v1 parameter names, applying the route's percent and lower-bound rules. */
export function legacyToParams(q: LegacyQuery): WireTaskParams {
  const p: WireTaskParams = {
    keypoint_confidence: q.keypoint_confidence,
    mask_decode_mode: q.mask_decode_mode,
    tradeoff_factor: q.tradeoff_factor,
    max_detections: q.max_detections,
    response_mask_format: q.response_mask_format,
    disable_preproc_auto_orient: q.disable_preproc_auto_orient,
    disable_preproc_contrast: q.disable_preproc_contrast,
    disable_preproc_grayscale: q.disable_preproc_grayscale,
    disable_preproc_static_crop: q.disable_preproc_static_crop,
    visualize_predictions: q.format === 'image' || q.format === 'image_and_json',
    visualization_labels: q.labels ?? false,
    visualization_stroke_width: q.stroke ?? 1,
  };
  if (typeof q.confidence === 'number')
    p.confidence = Math.max(fraction(q.confidence), CONFIDENCE_LOWER_BOUND);
  else if (q.confidence === undefined) p.confidence = 0.4;
  if (q.overlap !== undefined) p.iou_threshold = fraction(q.overlap);
  return p;
}
