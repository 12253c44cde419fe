import type { InferOptions } from '@inference-ts/core';

/** How to draw predictions when a request asks for a visualisation. */
export interface VisualizeOptions {
  labels: boolean;
  strokeWidth: number;
}

/** Task parameters of a v1 body, as the schemas declare them (snake_case, Roboflow's names). */
export interface WireTaskParams {
  id?: string;
  confidence?: number | string;
  iou_threshold?: number;
  class_agnostic_nms?: boolean;
  class_filter?: string[] | null;
  max_detections?: number;
  max_candidates?: number;
  keypoint_confidence?: number;
  mask_decode_mode?: 'accurate' | 'fast' | 'tradeoff';
  tradeoff_factor?: number;
  response_mask_format?: 'polygon' | 'rle';
  disable_preproc_auto_orient?: boolean;
  disable_preproc_contrast?: boolean;
  disable_preproc_grayscale?: boolean;
  disable_preproc_static_crop?: boolean;
  visualize_predictions?: boolean;
  visualization_labels?: boolean;
  visualization_stroke_width?: number;
  generate_bounding_boxes?: boolean;
}

/** `"best"`/`"default"` mean the model's own default (contract §2). */
function confidenceOf(v: number | string | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** v1 body (or the legacy query, once renamed) -> core `InferOptions`. Unknown and accounting fields are ignored. */
export function toInferOptions(p: WireTaskParams): InferOptions {
  const o: InferOptions = {};
  const confidence = confidenceOf(p.confidence);
  if (confidence !== undefined) o.confidence = confidence;
  if (p.iou_threshold !== undefined) o.iouThreshold = p.iou_threshold;
  if (p.class_agnostic_nms !== undefined) o.classAgnosticNms = p.class_agnostic_nms;
  if (p.class_filter) o.classFilter = p.class_filter;
  if (p.max_detections !== undefined) o.maxDetections = p.max_detections;
  if (p.max_candidates !== undefined) o.maxCandidates = p.max_candidates;
  if (p.keypoint_confidence !== undefined) o.keypointConfidence = p.keypoint_confidence;
  if (p.mask_decode_mode !== undefined) o.maskDecodeMode = p.mask_decode_mode;
  if (p.tradeoff_factor !== undefined) o.tradeoffFactor = p.tradeoff_factor;
  if (p.response_mask_format !== undefined) o.maskFormat = p.response_mask_format;
  if (p.disable_preproc_auto_orient) o.disablePreprocAutoOrient = true;
  if (p.disable_preproc_contrast) o.disablePreprocContrast = true;
  if (p.disable_preproc_grayscale) o.disablePreprocGrayscale = true;
  if (p.disable_preproc_static_crop) o.disablePreprocStaticCrop = true;
  if (p.generate_bounding_boxes !== undefined) o.generateBoundingBoxes = p.generate_bounding_boxes;
  if (p.id !== undefined && p.id !== '') o.inferenceId = p.id;
  return o;
}

/** The visualisation a v1 body asks for, or undefined. */
export function toVisualize(p: WireTaskParams): VisualizeOptions | undefined {
  if (!p.visualize_predictions) return undefined;
  return { labels: p.visualization_labels ?? false, strokeWidth: p.visualization_stroke_width ?? 1 };
}

/** Query parameters of the legacy `/{dataset_id}/{version_id}` route (contract §1.1). */
export interface LegacyQuery {
  api_key?: string;
  confidence?: number | string;
  keypoint_confidence?: number;
  format?: 'json' | 'image' | 'image_and_json';
  image?: string;
  image_type?: string;
  labels?: boolean;
  mask_decode_mode?: 'accurate' | 'fast' | 'tradeoff';
  tradeoff_factor?: number;
  max_detections?: number;
  overlap?: number;
  stroke?: number;
  disable_preproc_auto_orient?: boolean;
  disable_preproc_contrast?: boolean;
  disable_preproc_grayscale?: boolean;
  disable_preproc_static_crop?: boolean;
  response_mask_format?: 'polygon' | 'rle';
}

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
