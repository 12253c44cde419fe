import type { WireObjectDetectionPrediction, WireOcrResponse } from '@inference-ts/sdk/wire';
import type { OcrResult as OcrOutput } from '../ocr/types.js';
import { newId } from '../serialize/ids.js';
import { round } from '../serialize/object-detection.js';
import { type StageTimings, totalMs } from './timings.js';

/** OCR result: the text in reading order, and (when asked) one box per recognised region. */
export class OcrInferenceResult {
  readonly task = 'ocr' as const;

  readonly inferenceId: string;
  readonly image: { width: number; height: number };
  readonly ocr: OcrOutput;
  readonly timings: StageTimings;
  /** Include `image` and `predictions` in the wire form (Roboflow's `generate_bounding_boxes`). */
  readonly withBoxes: boolean;

  constructor(init: {
    inferenceId: string;
    image: { width: number; height: number };
    ocr: OcrOutput;
    timings: StageTimings;
    withBoxes?: boolean;
  }) {
    this.inferenceId = init.inferenceId;
    this.image = init.image;
    this.ocr = init.ocr;
    this.timings = init.timings;
    this.withBoxes = init.withBoxes ?? false;
  }

  get text(): string {
    return this.ocr.text;
  }

  get time(): number {
    return totalMs(this.timings) / 1000;
  }

  /** Each region as an object-detection prediction whose `class` is its text. */
  get predictions(): WireObjectDetectionPrediction[] {
    return this.ocr.lines.map((l) => ({
      x: round((l.xyxy[0] + l.xyxy[2]) / 2),
      y: round((l.xyxy[1] + l.xyxy[3]) / 2),
      width: round(l.xyxy[2] - l.xyxy[0]),
      height: round(l.xyxy[3] - l.xyxy[1]),
      confidence: round(l.confidence, 4),
      class: l.text,
      class_id: 0,
      detection_id: newId(),
    }));
  }

  toJSON(): WireOcrResponse {
    const out: WireOcrResponse = {
      result: this.text,
      time: this.time,
      parent_id: null,
      inference_id: this.inferenceId,
    };
    if (this.withBoxes) {
      out.image = { ...this.image };
      out.predictions = this.predictions;
    }
    return out;
  }
}
