import { type FrameCallback, forEachFrame, type Sink, withClose } from './types.js';

/**
 * Sink calling `fn(prediction, frame)` for every frame of each batch, in source order
 * (Roboflow's sequential sink mode). Batch-level sinks are plain {@link Sink} functions.
 *
 * @example
 * const sink = callbackSink((p, frame) => console.log(frame.sourceId, frame.frameId, p));
 */
export function callbackSink<P = unknown>(fn: FrameCallback<P>): Sink<P> & { close(): Promise<void> } {
  return withClose<P>(
    (predictions, frames) => forEachFrame(predictions, frames, fn),
    async () => {},
  );
}
