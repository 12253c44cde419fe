import type {
  WireClassificationPrediction,
  WireClassificationResponse,
  WireMultiLabelClassificationResponse,
} from '@inference-ts/sdk/wire';
import type { ClassificationScores as ClassScores } from '../heads/classification.js';
import { round } from '../serialize/object-detection.js';
import { type StageTimings, totalMs } from './timings.js';

/**
 * Classification result. Single-label: `predictions` sorted by confidence,
 * `top`, `confidence`. Multi-label: `predictions` is a dict of class ->
 * {confidence, class_id} and `predictedClasses` lists those over the threshold.
 */
export class ClassificationResult {
  readonly task = 'classification' as const;

  readonly inferenceId: string;
  readonly image: { width: number; height: number };
  /** Scores per class (typed), ranking, top class. */
  readonly scores: ClassScores;
  readonly classNames: readonly string[];
  readonly multiLabel: boolean;
  readonly timings: StageTimings;

  constructor(init: {
    inferenceId: string;
    image: { width: number; height: number };
    scores: ClassScores;
    classNames: readonly string[];
    multiLabel: boolean;
    timings: StageTimings;
  }) {
    this.inferenceId = init.inferenceId;
    this.image = init.image;
    this.scores = init.scores;
    this.classNames = init.classNames;
    this.multiLabel = init.multiLabel;
    this.timings = init.timings;
  }

  get time(): number {
    return totalMs(this.timings) / 1000;
  }

  get top(): string {
    return this.scores.top;
  }

  get confidence(): number {
    return this.scores.topConfidence;
  }

  get predictedClasses(): string[] {
    return this.scores.predictedClasses;
  }

  get predictions():
    | WireClassificationPrediction[]
    | Record<string, { confidence: number; class_id: number }> {
    const name = (i: number) => this.classNames[i] ?? String(i);
    if (this.multiLabel) {
      const out: Record<string, { confidence: number; class_id: number }> = {};
      this.scores.scores.forEach((s, i) => {
        out[name(i)] = { confidence: round(s, 4), class_id: i };
      });
      return out;
    }
    return Array.from(this.scores.ranking, (i) => ({
      class: name(i),
      class_id: i,
      confidence: round(this.scores.scores[i], 4),
    }));
  }

  toJSON(): WireClassificationResponse | WireMultiLabelClassificationResponse {
    const base = { inference_id: this.inferenceId, time: this.time, image: { ...this.image } };
    if (this.multiLabel) {
      return {
        ...base,
        predictions: this.predictions as Record<string, { confidence: number; class_id: number }>,
        predicted_classes: this.predictedClasses,
      };
    }
    return {
      ...base,
      predictions: this.predictions as WireClassificationPrediction[],
      top: this.top,
      confidence: round(this.confidence, 4),
    };
  }
}
