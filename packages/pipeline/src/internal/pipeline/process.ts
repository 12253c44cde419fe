import type { InferOptions, VisionModel } from '@inference-ts/core';
import { ByteTrack, type ByteTrackOptions } from '../tracking/byte-track.js';
import { detectionsOf, withDetections } from '../tracking/with-detections.js';
import type { VideoFrame } from '../types.js';

/** Custom per-batch logic: one prediction per frame, in the same order. */
export type OnVideoFrame<P> = (frames: VideoFrame[]) => Promise<P[]> | P[];

/** Turns a model into an {@link OnVideoFrame}: one `inferDecoded` call per batch (all sources together). */
export function modelHandler<P>(model: VisionModel, options: InferOptions = {}): OnVideoFrame<P> {
  return async (frames) =>
    (await model.inferDecoded(
      frames.map((f) => f.image),
      options,
    )) as unknown as P[];
}

/**
 * Per-source ByteTrack trackers applied to predictions that carry `detections`
 * (core detection-style results or `{ detections }` objects); other predictions pass.
 */
export class SourceTrackers {
  readonly #options: ByteTrackOptions;
  readonly #trackers = new Map<number, ByteTrack>();

  constructor(options: ByteTrackOptions) {
    this.#options = options;
  }

  apply<P>(prediction: P, frame: VideoFrame): P {
    const detections = detectionsOf(prediction);
    if (!detections) return prediction;
    let tracker = this.#trackers.get(frame.sourceId);
    if (!tracker) {
      // The source's own frame rate scales the lost-track buffer, unless the caller fixed it.
      const frameRate = this.#options.frameRate ?? (frame.fps > 0 ? frame.fps : 30);
      tracker = new ByteTrack({ ...this.#options, frameRate });
      this.#trackers.set(frame.sourceId, tracker);
    }
    return withDetections(prediction, tracker.update(detections));
  }
}
