import type { WireSemanticSegmentationResponse } from '@inference-ts/sdk/wire';
import type {
  SemanticSegmentationMaps as SegMaps,
  SemanticSegmentationWire,
} from '../heads/semantic-segmentation.js';
import { type StageTimings, totalMs } from './timings.js';

/** Semantic segmentation: per-pixel class and confidence maps, with the PNG wire form encoded at inference time. */
export class SemanticSegmentationResult {
  readonly task = 'semantic-segmentation' as const;

  readonly inferenceId: string;
  readonly image: { width: number; height: number };
  readonly segmentation: SegMaps;
  readonly predictions: SemanticSegmentationWire;
  readonly timings: StageTimings;

  constructor(init: {
    inferenceId: string;
    image: { width: number; height: number };
    segmentation: SegMaps;
    predictions: SemanticSegmentationWire;
    timings: StageTimings;
  }) {
    this.inferenceId = init.inferenceId;
    this.image = init.image;
    this.segmentation = init.segmentation;
    this.predictions = init.predictions;
    this.timings = init.timings;
  }

  get time(): number {
    return totalMs(this.timings) / 1000;
  }

  toJSON(): WireSemanticSegmentationResponse {
    return {
      inference_id: this.inferenceId,
      time: this.time,
      image: { ...this.image },
      predictions: this.predictions,
    };
  }
}
