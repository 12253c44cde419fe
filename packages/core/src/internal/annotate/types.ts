import type { Detections } from '../detections/detections.js';
import type { RgbImage } from '../image/types.js';
import type { ColorOptions } from './colors.js';

/** Anything that draws detections onto an image. */
export interface Annotator {
  /**
   * Draw `detections` and return the drawn image: a copy by default, the
   * given image itself when the annotator was built with `inPlace: true`.
   */
  annotate(image: RgbImage, detections: Detections): RgbImage;
}

/** Settings every annotator accepts. */
export interface AnnotatorOptions extends ColorOptions {
  /** Draw into the given buffer instead of a copy (for pipelines that own the frame). Default false. */
  inPlace?: boolean;
}
