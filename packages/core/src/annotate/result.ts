import { Detections } from '../detections/detections.js';
import type { RegionMask } from '../detections/mask.js';
import { encodeImage } from '../image/encode.js';
import { loadImage } from '../image/load-image.js';
import type { ImageInput, RgbImage } from '../image/types.js';
import type { InferenceResult } from '../results/index.js';
import { contrastingTextColor, DEFAULT_PALETTE } from './colors.js';
import { annotateDetections } from './compose.js';
import { fillRect } from './draw.js';
import { drawText, measureText } from './font.js';
import { defaultTextScale } from './scale.js';
import { drawTarget } from './target.js';

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
}

/** Text lines in a box at the top-left corner (classification, OCR summary). */
function drawBanner(image: RgbImage, lines: string[]): void {
  const scale = defaultTextScale(image.width, image.height);
  let y = 0;
  for (const line of lines) {
    const size = measureText(line, scale);
    const pad = 2 * scale;
    const bg = DEFAULT_PALETTE[0];
    fillRect(image, 0, y, size.width + 2 * pad, y + size.height + 2 * pad, bg);
    drawText(image, pad, y + pad, line, contrastingTextColor(bg), scale);
    y += size.height + 2 * pad;
  }
}

/** One region mask per present class of a semantic segmentation, so the mask annotator can tint them. */
function classRegions(classMask: Uint8Array, width: number, height: number, ids: number[]): RegionMask[] {
  return ids.map((id) => {
    const data = new Uint8Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = classMask[i] === id ? 1 : 0;
    return { x0: 0, y0: 0, width, height, data };
  });
}

/**
 * Draw any task's result on its image and encode it: boxes, labels, masks and
 * keypoints for detection tasks, the top classes for classification, class
 * tints for semantic segmentation, text boxes for OCR.
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

/** {@link annotateResult} without the encoding: returns the drawn RGB image (a copy). */
export function annotateResultImage(
  image: RgbImage,
  result: InferenceResult,
  options: AnnotateResultOptions = {},
): RgbImage {
  const common = { colors: options.colors, strokeWidth: options.strokeWidth, labels: options.labels ?? true };
  switch (result.task) {
    case 'object-detection':
    case 'instance-segmentation':
      return annotateDetections(image, result.detections, { ...common, classNames: result.classNames });
    case 'keypoint-detection':
      return annotateDetections(image, result.detections, {
        ...common,
        classNames: result.classNames,
        keypoints: { skeleton: result.skeleton, threshold: Math.max(result.keypointConfidence, 0.5) },
      });
    case 'classification': {
      const out = drawTarget(image, false);
      const top = result.multiLabel ? result.predictedClasses : [result.top];
      drawBanner(
        out,
        top.map(
          (c) =>
            `${c} ${(result.scores.scores[result.classNames.indexOf(c)] ?? result.confidence).toFixed(2)}`,
        ),
      );
      return out;
    }
    case 'semantic-segmentation': {
      const seg = result.segmentation;
      const ids = seg.presentClassIds.filter((id) => id !== 0);
      if (ids.length === 0) return drawTarget(image, false);
      const masks = classRegions(seg.classMask, seg.width, seg.height, ids);
      const d = new Detections({
        xyxy: new Float32Array(ids.flatMap(() => [0, 0, seg.width, seg.height])),
        confidence: new Float32Array(ids.length).fill(1),
        classId: Int32Array.from(ids),
        masks,
      });
      return annotateDetections(image, d, {
        boxes: false,
        labels: false,
        masks: true,
        colors: options.colors,
      });
    }
    case 'ocr': {
      const lines = result.ocr.lines;
      const d = new Detections({
        xyxy: Float32Array.from(lines.flatMap((l) => l.xyxy)),
        confidence: Float32Array.from(lines.map((l) => l.confidence)),
        classId: new Int32Array(lines.length),
        data: { className: lines.map((l) => l.text) },
      });
      return annotateDetections(image, d, { strokeWidth: options.strokeWidth, showConfidence: false });
    }
  }
}
