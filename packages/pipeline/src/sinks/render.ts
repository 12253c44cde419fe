import { type AnnotateOptions, annotateDetections, type RgbImage } from '@inference-ts/core';
import { detectionsOf } from '../tracking/with-detections.js';
import type { VideoFrame } from '../types.js';

/** Draws a frame for pixel sinks (video file, MJPEG preview). */
export type FrameRenderer<P = unknown> = (frame: VideoFrame, prediction: P | null) => RgbImage;

/**
 * The default renderer: the core annotators (boxes, labels, masks, keypoints as present)
 * when the prediction carries `detections`, with its `classNames` when it has them;
 * the frame unchanged otherwise.
 */
export function annotatingRenderer<P = unknown>(options: AnnotateOptions = {}): FrameRenderer<P> {
  return (frame, prediction) => {
    const detections = detectionsOf(prediction);
    if (!detections || detections.length === 0) return frame.image;
    const classNames = (prediction as { classNames?: unknown }).classNames;
    return annotateDetections(frame.image, detections, {
      ...(Array.isArray(classNames) ? { classNames: classNames as string[] } : {}),
      ...options,
      inPlace: false,
    });
  };
}
