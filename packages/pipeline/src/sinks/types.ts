import type { VideoFrame } from '../types.js';

/**
 * Receives one batch: `predictions[i]` belongs to `frames[i]`, both aligned to the
 * pipeline's source order (length = number of sources) with `null` where a source
 * had no frame in this batch. A returned promise is awaited before the next batch
 * (that is the pipeline's back-pressure). Throwing never stops the pipeline: the
 * error becomes an `INFERENCE_RESULTS_DISPATCHING_ERROR` event.
 */
export type SinkFunction<P = unknown> = (
  predictions: readonly (P | null)[],
  frames: readonly (VideoFrame | null)[],
) => void | Promise<void>;

/** A sink: a {@link SinkFunction}, optionally with `close()` releasing files, sockets and processes. */
export interface Sink<P = unknown> extends SinkFunction<P> {
  /** Flush and release everything the sink holds; idempotent. The pipeline calls it when it ends. */
  close?(): Promise<void>;
}

/** A sink that always has `close()` (all built-in sinks). */
export interface ClosableSink<P = unknown> extends SinkFunction<P> {
  close(): Promise<void>;
}

/** Per-frame callback, called once for every frame present in a batch, in source order. */
export type FrameCallback<P = unknown> = (prediction: P, frame: VideoFrame) => void | Promise<void>;

/** Attach `close` (and any extra members) to a sink function. */
export function withClose<P>(fn: SinkFunction<P>, close: () => Promise<void>): ClosableSink<P> {
  return Object.assign(fn, { close });
}

/** Run `fn` over the non-null (prediction, frame) pairs of a batch, one after another. */
export async function forEachFrame<P>(
  predictions: readonly (P | null)[],
  frames: readonly (VideoFrame | null)[],
  fn: (prediction: P, frame: VideoFrame) => void | Promise<void>,
): Promise<void> {
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    const prediction = predictions[i];
    if (frame === null || frame === undefined || prediction === null || prediction === undefined) continue;
    await fn(prediction, frame);
  }
}
