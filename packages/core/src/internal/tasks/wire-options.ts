import type { WireTaskParams } from '@inference-ts/sdk/wire';
import type { InferOptions } from './types.js';

/** `"best"`/`"default"` mean the model's own default. */
function confidenceOf(v: number | string | undefined): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/**
 * The one mapping from the wire's task parameters (a v1 body, or the legacy
 * query once renamed; `@inference-ts/sdk` owns the names) to `InferOptions`.
 * Unknown, visualisation and accounting fields are ignored.
 *
 * @example
 * inferOptionsFromWire({ confidence: 0.5, iou_threshold: 0.4, class_filter: ['dog'] })
 * // { confidence: 0.5, iouThreshold: 0.4, classFilter: ['dog'] }
 */
export function inferOptionsFromWire(p: WireTaskParams): InferOptions {
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
