import type { WireSemanticSegmentationResponse } from '@inference-ts/sdk';
import type {
  SemanticSegmentationMaps as SegMaps,
  SemanticSegmentationWire,
} from '../heads/semantic-segmentation.js';
import { type StageTimings, totalMs } from './timings.js';

/** Semantic segmentation: per-pixel class and confidence maps, with the PNG wire form encoded at inference time. */
export class SemanticSegmentationResult {
  readonly task = 'semantic-segmentation' as const;

  constructor(
    readonly inferenceId: string,
    readonly image: { width: number; height: number },
    readonly segmentation: SegMaps,
    readonly predictions: SemanticSegmentationWire,
    readonly timings: StageTimings,
  ) {}

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
