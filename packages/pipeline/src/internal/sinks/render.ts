import { annotateResultImage, type InferenceResult, type RgbImage } from '@inference-ts/core';
import { type AnnotateOptions, annotateDetections, drawTarget } from '@inference-ts/core/annotate';
import { detectionsOf } from '../tracking/with-detections.js';
import type { VideoFrame } from '../types.js';
import { drawAnalytics } from './draw-analytics.js';

/** Draws a frame for pixel sinks (video file, MJPEG preview). */
export type FrameRenderer<P = unknown> = (frame: VideoFrame, prediction: P | null) => RgbImage;

const TASKS = new Set([
  'object-detection',
  'instance-segmentation',
  'keypoint-detection',
  'classification',
  'semantic-segmentation',
  'ocr',
]);

/** A core task result (what `model.infer` returns), recognised by its `task` tag. */
function isInferenceResult(p: unknown): p is InferenceResult {
  return typeof p === 'object' && p !== null && TASKS.has((p as { task?: unknown }).task as string);
}

/** The prediction drawn on the frame: `frame.image` itself when there is nothing to draw. */
function drawPrediction(image: RgbImage, prediction: unknown, options: AnnotateOptions): RgbImage {
  if (isInferenceResult(prediction)) {
    // the same entry point as annotateResult (HTTP API, CLI): every task is drawn
    return annotateResultImage(image, prediction, {
      ...(options.colors ? { colors: options.colors } : {}),
      ...(options.strokeWidth !== undefined ? { strokeWidth: options.strokeWidth } : {}),
      ...(options.labels !== undefined ? { labels: options.labels } : {}),
    });
  }
  const detections = detectionsOf(prediction);
  if (!detections || detections.length === 0) return image;
  const classNames = (prediction as { classNames?: unknown }).classNames;
  return annotateDetections(image, detections, {
    ...(Array.isArray(classNames) ? { classNames: classNames as string[] } : {}),
    ...options,
    inPlace: false,
  });
}

/**
 * The default renderer. Core task results are drawn by core's `annotateResultImage`, the
 * entry point `annotateResult` uses (boxes, masks, keypoints, classification labels,
 * semantic masks, OCR text), with the `colors`, `strokeWidth` and `labels` of `options`;
 * other predictions carrying `detections` by the core annotators with all of `options`.
 * Then the frame's line and zone analytics, with live counts. Returns the frame
 * unchanged when there is nothing to draw.
 */
export function annotatingRenderer<P = unknown>(options: AnnotateOptions = {}): FrameRenderer<P> {
  return (frame, prediction) => {
    let image = drawPrediction(frame.image, prediction, options);
    if (frame.analytics && (frame.analytics.lines.length > 0 || frame.analytics.zones.length > 0)) {
      if (image === frame.image) image = drawTarget(image, false);
      drawAnalytics(image, frame.analytics);
    }
    return image;
  };
}
