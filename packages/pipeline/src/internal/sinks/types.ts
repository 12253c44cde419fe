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

/**
 * A sink: a {@link SinkFunction}, optionally with `open()` checking and acquiring what it
 * needs and `close()` releasing files, sockets and processes.
 */
export interface Sink<P = unknown> extends SinkFunction<P> {
  /**
   * Called once by the pipeline's `start()` before the first batch; a rejection fails the
   * start (nothing is left running). Check here what would otherwise fail on every frame
   * (an unwritable path, an unresolvable host). Idempotent.
   */
  open?(): Promise<void>;
  /** Flush and release everything the sink holds; idempotent. The pipeline calls it when it ends. */
  close?(): Promise<void>;
}

/** A sink that always has `close()` (all built-in sinks). */
export interface ClosableSink<P = unknown> extends SinkFunction<P> {
  open?(): Promise<void>;
  close(): Promise<void>;
}

/** Per-frame callback, called once for every frame present in a batch, in source order. */
export type FrameCallback<P = unknown> = (prediction: P, frame: VideoFrame) => void | Promise<void>;

/** Attach `close` (and `open`, when given) to a sink function. */
export function withClose<P>(
  fn: SinkFunction<P>,
  close: () => Promise<void>,
  open?: () => Promise<void>,
): ClosableSink<P> {
  return Object.assign(fn, open ? { close, open } : { close });
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
