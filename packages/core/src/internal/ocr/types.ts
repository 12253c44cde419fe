import type { ExecutionProvider } from '../runtime/types.js';

/**
 * A quadrilateral as 4 corner points `[x0,y0, x1,y1, x2,y2, x3,y3]` in image
 * pixels (edge convention: the image spans 0..width), ordered top-left,
 * top-right, bottom-right, bottom-left as the text reads.
 */
export type Quad = Float32Array;

/** One recognised piece of text (usually a word or a run of words on one line). */
export interface OcrLine {
  /** The recognised text. */
  text: string;
  /** Mean of the per-character maximum probabilities, 0..1. */
  confidence: number;
  /** The detected region as 4 corner points (see {@link Quad}), length 8. */
  box: Quad;
  /** Axis-aligned bounds of `box`: `[x1, y1, x2, y2]`. */
  xyxy: [number, number, number, number];
}

/** Milliseconds spent in each model of the OCR pipeline (pre- and postprocessing included). */
export interface OcrTimings {
  det: number;
  cls: number;
  rec: number;
}

/** What {@link OcrModel.recognize} returns. */
export interface OcrResult {
  /** All text in reading order: words of one line joined by a space, lines by `\n`. */
  text: string;
  /** Every recognised region in reading order (empty when `generateBoxes` is false). */
  lines: OcrLine[];
  timings: OcrTimings;
}

/** Options for {@link OcrModel.load}. */
export interface OcrLoadOptions {
  /** Execution providers in preference order (default `['cpu']`). */
  providers?: ExecutionProvider[];
  /** Threads inside one operator, for each of the three sessions (default: ONNX Runtime's choice). */
  intraOpThreads?: number;
  /** Longest side of the detector input in pixels (default 960); larger images are scaled down. */
  detMaxSide?: number;
  /** Images whose longest side is below this are scaled up for detection (default 256) so tiny text is still found. */
  detMinSide?: number;
  /** Called with human-readable warnings (provider fall-back, ...). */
  onWarning?: (message: string) => void;
}

/** Options for {@link OcrModel.recognize}. */
export interface OcrRecognizeOptions {
  /** Return `lines` with boxes (default true); when false only `text` is filled. */
  generateBoxes?: boolean;
  /** Drop regions recognised with a lower confidence (default 0.5). */
  minConfidence?: number;
  /** Run the 0/180 degree direction classifier (default true). */
  useDirectionClassifier?: boolean;
}

/** A text direction as the classifier labels it. */
export type TextDirection = '0' | '180';

/** Output of the direction classifier for one crop. */
export interface TextDirectionResult {
  label: TextDirection;
  confidence: number;
}
