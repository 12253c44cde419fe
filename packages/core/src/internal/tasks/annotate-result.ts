import { encodeImage } from '../image/encode.js';
import { loadImage } from '../image/load-image.js';
import type { ImageInput, RgbImage } from '../image/types.js';
import type { InferenceResult } from '../results/index.js';
import { type AnnotateStyle, TASK_TABLE, type TaskRow } from './table.js';

export interface AnnotateResultOptions {
  /** Output encoding (default 'jpeg'). */
  format?: 'jpeg' | 'png';
  quality?: number;
  /** Class name -> '#rrggbb' (a manifest's `colors`). */
  colors?: Readonly<Record<string, string>>;
  /** Box/outline width (Roboflow `visualization_stroke_width`). */
  strokeWidth?: number;
  /** Draw class labels (Roboflow `visualization_labels`; default true). */
  labels?: boolean;
  /**
   * Draw into the given decoded image instead of a copy (default false). It saves
   * one full-size copy, for callers that no longer need the undrawn pixels.
   */
  inPlace?: boolean;
}

/**
 * Draw any task's result on its image and encode it: boxes, labels, masks and
 * keypoints for detection tasks, the top classes for classification, class
 * tints for semantic segmentation, text boxes for OCR. The one annotate entry
 * of the HTTP API, the CLI and the pipeline renderer (each task's drawing is
 * its row of the task table).
 *
 * @example
 * const result = await model.infer('dog.jpg');
 * await writeFile('dog-annotated.jpg', await annotateResult('dog.jpg', result));
 */
export async function annotateResult(
  input: ImageInput | RgbImage,
  result: InferenceResult,
  options: AnnotateResultOptions = {},
): Promise<Buffer> {
  const image = await loadImage(input);
  const annotated = annotateResultImage(image, result, options);
  return encodeImage(annotated, options.format ?? 'jpeg', options.quality ?? 85);
}

/** {@link annotateResult} without the encoding: returns the drawn RGB image (a copy unless `inPlace`). */
export function annotateResultImage(
  image: RgbImage,
  result: InferenceResult,
  options: AnnotateResultOptions = {},
): RgbImage {
  const style: AnnotateStyle = {
    colors: options.colors,
    strokeWidth: options.strokeWidth,
    labels: options.labels ?? true,
    inPlace: options.inPlace ?? false,
  };
  const row = TASK_TABLE[result.task] as TaskRow<unknown, unknown, InferenceResult>;
  return row.annotate(image, result, style);
}
