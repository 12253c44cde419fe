import { contrastingTextColor, DEFAULT_PALETTE } from '../annotate/colors.js';
import { annotateDetections } from '../annotate/compose.js';
import { fillRect } from '../annotate/draw.js';
import { drawText, measureText } from '../annotate/font.js';
import { defaultTextScale } from '../annotate/scale.js';
import { drawTarget } from '../annotate/target.js';
import { Detections } from '../detections/detections.js';
import type { RegionMask } from '../detections/mask.js';
import type { ClassificationScores } from '../heads/classification.js';
import { keypointSpecFor } from '../heads/coco-keypoints.js';
import type { SemanticSegmentationMaps, SemanticSegmentationWire } from '../heads/semantic-segmentation.js';
import type { RgbImage } from '../image/types.js';
import type { ModelManifest, Task } from '../manifest/types.js';
import type { OcrModel } from '../ocr/ocr.js';
import type { OcrResult } from '../ocr/types.js';
import { ClassificationResult } from '../results/classification.js';
import type { InferenceResult } from '../results/index.js';
import {
  InstanceSegmentationResult,
  KeypointsResult,
  ObjectDetectionResult,
} from '../results/object-detection.js';
import { OcrInferenceResult } from '../results/ocr.js';
import { SemanticSegmentationResult } from '../results/semantic-segmentation.js';
import type { StageTimings } from '../results/timings.js';
import { resultId } from '../serialize/ids.js';
import { classifyImages } from './classify.js';
import { detectObjects } from './object-detection.js';
import { segmentSemantic } from './segment-semantic.js';
import type { InferOptions, ModelRuntime } from './types.js';

/** One call of a task on decoded images. */
export interface TaskJob {
  readonly images: readonly RgbImage[];
  readonly options: InferOptions;
  /** One per image; the steps add their stage times. */
  readonly timings: StageTimings[];
}

/** What a task's result step gets for one image. */
export interface ResultContext {
  readonly inferenceId: string;
  /** The source image's size (before any reduced-size decode). */
  readonly image: { width: number; height: number };
  readonly timings: StageTimings;
  readonly options: InferOptions;
  readonly manifest: ModelManifest;
}

/** How annotations look, the same for every task. */
export interface AnnotateStyle {
  /** Class name -> '#rrggbb' (a manifest's `colors`). */
  colors?: Readonly<Record<string, string>>;
  /** Box/outline width. */
  strokeWidth?: number;
  /** Draw class labels (default true). */
  labels: boolean;
  /** Draw into the given image instead of a copy (saves a full-size copy when the caller is done with it). */
  inPlace?: boolean;
}

/**
 * A task's three steps: `run` the model on decoded images (one raw output per
 * image), turn one raw output into its `result`, and `annotate` a result on a
 * copy of its image.
 */
export interface TaskRow<M, Raw, R extends InferenceResult> {
  run(model: M, job: TaskJob): Promise<Raw[]>;
  result(raw: Raw, at: ResultContext): R;
  annotate(image: RgbImage, result: R, style: AnnotateStyle): RgbImage;
}

type ResultOf<T extends Task> = Extract<InferenceResult, { task: T }>;

/** Text lines in a box at the top-left corner (classification). */
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

const detect = (rt: ModelRuntime, job: TaskJob) => detectObjects(rt, job.images, job.options, job.timings);

const base = (d: Detections, at: ResultContext) => ({
  inferenceId: at.inferenceId,
  image: at.image,
  detections: d,
  classNames: at.manifest.classes,
  timings: at.timings,
});

const drawDetections = (
  image: RgbImage,
  r: ResultOf<'object-detection' | 'instance-segmentation'>,
  s: AnnotateStyle,
) => annotateDetections(image, r.detections, { ...s, classNames: r.classNames });

/**
 * The one task table: every surface (native API, HTTP API, CLI, pipeline
 * renderer) runs, builds and draws a task through its row.
 */
export const TASK_TABLE: {
  readonly [T in Task]: TaskRow<T extends 'ocr' ? OcrModel : ModelRuntime, unknown, ResultOf<T>>;
} = {
  'object-detection': {
    run: detect,
    result: (d, at) => new ObjectDetectionResult(base(d as Detections, at)),
    annotate: drawDetections,
  },
  'instance-segmentation': {
    run: detect,
    result: (d, at) =>
      new InstanceSegmentationResult({ ...base(d as Detections, at), maskFormat: at.options.maskFormat }),
    annotate: drawDetections,
  },
  'keypoint-detection': {
    run: detect,
    result: (raw, at) => {
      const d = raw as Detections;
      const spec = keypointSpecFor(at.manifest, d.keypointCount);
      return new KeypointsResult({
        ...base(d, at),
        keypointNames: spec.names,
        skeleton: spec.skeleton ?? [],
        keypointConfidence: at.options.keypointConfidence ?? 0,
      });
    },
    annotate: (image, r, s) =>
      annotateDetections(image, r.detections, {
        ...s,
        classNames: r.classNames,
        keypoints: { skeleton: r.skeleton, threshold: Math.max(r.keypointConfidence, 0.5) },
      }),
  },
  classification: {
    run: (rt, job) => classifyImages(rt, job.images, job.options, job.timings),
    result: (scores, at) =>
      new ClassificationResult({
        inferenceId: at.inferenceId,
        image: at.image,
        scores: scores as ClassificationScores,
        classNames: at.manifest.classes,
        multiLabel: at.manifest.multiLabel ?? false,
        timings: at.timings,
      }),
    annotate: (image, r, s) => {
      const out = drawTarget(image, s.inPlace ?? false);
      const top = r.multiLabel ? r.predictedClasses : [r.top];
      drawBanner(
        out,
        top.map((c) => `${c} ${(r.scores.scores[r.classNames.indexOf(c)] ?? r.confidence).toFixed(2)}`),
      );
      return out;
    },
  },
  'semantic-segmentation': {
    run: (rt, job) => segmentSemantic(rt, job.images, job.options, job.timings),
    result: (raw, at) => {
      const s = raw as { maps: SemanticSegmentationMaps; wire: SemanticSegmentationWire };
      return new SemanticSegmentationResult({
        inferenceId: at.inferenceId,
        image: at.image,
        segmentation: s.maps,
        predictions: s.wire,
        timings: at.timings,
      });
    },
    annotate: (image, r, s) => {
      const seg = r.segmentation;
      const ids = seg.presentClassIds.filter((id) => id !== 0);
      if (ids.length === 0) return drawTarget(image, s.inPlace ?? false);
      const d = new Detections({
        xyxy: new Float32Array(ids.flatMap(() => [0, 0, seg.width, seg.height])),
        confidence: new Float32Array(ids.length).fill(1),
        classId: Int32Array.from(ids),
        masks: classRegions(seg.classMask, seg.width, seg.height, ids),
      });
      return annotateDetections(image, d, {
        boxes: false,
        labels: false,
        masks: true,
        colors: s.colors,
        inPlace: s.inPlace,
      });
    },
  },
  ocr: {
    run: async (ocr, job) => {
      const out: OcrResult[] = [];
      for (const [i, image] of job.images.entries()) {
        const r = await ocr.recognize(image, { generateBoxes: true });
        // OCR stages do not split into pre/infer/post the way one network does: report model time as infer
        job.timings[i].infer += r.timings.det + r.timings.cls + r.timings.rec;
        out.push(r);
      }
      return out;
    },
    result: (raw, at) =>
      new OcrInferenceResult({
        inferenceId: at.inferenceId,
        image: at.image,
        ocr: raw as OcrResult,
        timings: at.timings,
        withBoxes: at.options.generateBoundingBoxes ?? false,
      }),
    annotate: (image, r, s) => {
      const lines = r.ocr.lines;
      const d = new Detections({
        xyxy: Float32Array.from(lines.flatMap((l) => l.xyxy)),
        confidence: Float32Array.from(lines.map((l) => l.confidence)),
        classId: new Int32Array(lines.length),
        data: { className: lines.map((l) => l.text) },
      });
      return annotateDetections(image, d, {
        strokeWidth: s.strokeWidth,
        showConfidence: false,
        inPlace: s.inPlace,
      });
    },
  },
};

/**
 * Runs `task` on decoded images through its row: raw outputs, then one
 * result per image (ids from `options.inferenceId`, sizes of the source images).
 */
export async function runTask<T extends Task>(
  task: T,
  model: T extends 'ocr' ? OcrModel : ModelRuntime,
  manifest: ModelManifest,
  job: TaskJob,
): Promise<ResultOf<T>[]> {
  const row = TASK_TABLE[task] as TaskRow<typeof model, unknown, ResultOf<T>>;
  const raws = await row.run(model, job);
  const n = job.images.length;
  return raws.map((raw, i) =>
    row.result(raw, {
      inferenceId: resultId(job.options.inferenceId, i, n),
      image: {
        width: job.images[i].sourceWidth ?? job.images[i].width,
        height: job.images[i].sourceHeight ?? job.images[i].height,
      },
      timings: job.timings[i],
      options: job.options,
      manifest,
    }),
  );
}
