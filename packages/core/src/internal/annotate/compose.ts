import type { Detections } from '../detections/detections.js';
import { type EncodeFormat, encodeImage } from '../image/encode.js';
import type { RgbImage } from '../image/types.js';
import { BoxAnnotator } from './box.js';
import { KeypointAnnotator } from './keypoints.js';
import { LabelAnnotator } from './label.js';
import { MaskAnnotator } from './mask.js';
import { PolygonAnnotator } from './polygon.js';
import { drawTarget } from './target.js';
import type { Annotator } from './types.js';

/** What {@link annotateDetections} draws and how. */
export interface AnnotateOptions {
  /** Box outlines (default true). */
  boxes?: boolean;
  /** Class/confidence labels (default true). */
  labels?: boolean;
  /** Translucent mask fills (default: when the detections have masks). */
  masks?: boolean;
  /** Polygon outlines from `data.polygon` (default: when that column exists). */
  polygons?: boolean;
  /** Keypoints, optionally with a skeleton (default: when the detections have keypoints). */
  keypoints?: boolean | { skeleton?: readonly (readonly [number, number])[]; threshold?: number };
  /** Stroke width for boxes, polygons and skeletons (default from the image size). */
  strokeWidth?: number;
  /** Class name -> '#rrggbb' (a manifest's `colors`). */
  colors?: Readonly<Record<string, string>>;
  /** Names by class id, used when `detections.data.className` is absent. */
  classNames?: readonly string[];
  /** Mask opacity 0..1 (default 0.5). */
  maskOpacity?: number;
  /** Integer label font scale (default from the image size). */
  textScale?: number;
  /** Show confidences in labels (default true). */
  showConfidence?: boolean;
  /** Draw into `image` instead of a copy. Default false. */
  inPlace?: boolean;
}

/**
 * Draw detections with the fitting annotators in a fixed order: masks,
 * boxes, polygons, keypoints, then labels on top. The image is copied once
 * (unless `inPlace`) and every annotator draws into that copy.
 * @example
 * const out = annotateDetections(image, detections, { classNames: manifest.classes, colors: manifest.colors });
 * const jpeg = await encodeAnnotated(out, 'jpeg');
 */
export function annotateDetections(
  image: RgbImage,
  detections: Detections,
  options: AnnotateOptions = {},
): RgbImage {
  const out = drawTarget(image, options.inPlace ?? false);
  const shared = { inPlace: true, classColors: options.colors, classNames: options.classNames };
  const steps: Annotator[] = [];
  if (options.masks ?? detections.masks !== undefined) {
    steps.push(new MaskAnnotator({ ...shared, opacity: options.maskOpacity }));
  }
  if (options.boxes ?? true) steps.push(new BoxAnnotator({ ...shared, thickness: options.strokeWidth }));
  if (options.polygons ?? detections.data.polygon !== undefined) {
    steps.push(new PolygonAnnotator({ ...shared, thickness: options.strokeWidth }));
  }
  const kp = options.keypoints ?? detections.keypoints !== undefined;
  if (kp !== false) {
    const extra = kp === true ? {} : kp;
    steps.push(new KeypointAnnotator({ ...shared, ...extra, thickness: options.strokeWidth }));
  }
  if (options.labels ?? true) {
    steps.push(
      new LabelAnnotator({ ...shared, textScale: options.textScale, showConfidence: options.showConfidence }),
    );
  }
  for (const step of steps) step.annotate(out, detections);
  return out;
}

/** Output formats of {@link encodeAnnotated}. */
export type AnnotatedFormat = EncodeFormat;

/**
 * Encode an annotated RGB image as JPEG or PNG (sharp, via `encodeImage`).
 * `quality` (integer 1..100, default 85) sets JPEG quality; PNG is lossless.
 * @throws InferenceError `CORE_ERR_INVALID_PARAMETER` for a bad format or quality,
 * `CORE_ERR_IMAGE_ENCODE` (with `cause`) when sharp fails.
 * @example
 * const bytes = await encodeAnnotated(annotateDetections(image, detections), 'jpeg', 90);
 */
export function encodeAnnotated(image: RgbImage, format: AnnotatedFormat, quality = 85): Promise<Buffer> {
  return encodeImage(image, format, quality);
}
