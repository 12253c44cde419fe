import type { VideoFrame } from '../types.js';
import type { VideoSource } from './video-source.js';

/** Options of `multiplexSources`. */
export interface MultiplexOptions {
  /**
   * Longest wait for the rest of a batch once it holds at least one frame,
   * counted from the previous batch (or the start). Undefined: wait for every
   * source that is RUNNING (sources connecting, reconnecting, paused or muted
   * never hold a batch back).
   */
  batchCollectionTimeoutMs?: number;
  /** Stops the iteration (it returns) when aborted. */
  signal?: AbortSignal;
}

const POLL_MS = 50;

/**
 * Reads many sources together. Yields batches aligned to source order:
 * `batch[i]` is the next frame of `sources[i]` or null when that source had
 * none in time (ended, reconnecting, paused, muted, or slower than the
 * timeout). A batch holds at most one frame per source and at least one frame
 * (empty rounds are not yielded). A frame that arrives after its round closed
 * is kept for the next batch, never lost. Ends when every source has ended.
 * Sources not yet started are started; the caller terminates them.
 * @example
 * for await (const batch of multiplexSources([a, b], { batchCollectionTimeoutMs: 50 })) {
 *   batch.map((f) => f?.frameId ?? null); // e.g. [12, null]
 * }
 */
export async function* multiplexSources(
  sources: readonly VideoSource[],
  options: MultiplexOptions = {},
): AsyncGenerator<(VideoFrame | null)[], void, undefined> {
  await Promise.all(sources.map((s) => (s.state === 'NOT_STARTED' ? s.start() : undefined)));
  const n = sources.length;
  const ended = new Array<boolean>(n).fill(false);
  const inFlight = new Array<boolean>(n).fill(false);
  const ready = new Array<VideoFrame | null | undefined>(n).fill(undefined);
  let wake: (() => void) | undefined;
  let failure: unknown;
  const timeout = options.batchCollectionTimeoutMs;
  let roundStart = performance.now();

  const request = (i: number) => {
    if (ended[i] || inFlight[i] || ready[i] !== undefined) return;
    inFlight[i] = true;
    sources[i].read().then(
      (frame) => {
        inFlight[i] = false;
        ready[i] = frame;
        wake?.();
      },
      (e) => {
        inFlight[i] = false;
        failure ??= e;
        wake?.();
      },
    );
  };

  while (!options.signal?.aborted) {
    for (let i = 0; i < n; i++) request(i);
    for (;;) {
      if (failure) throw failure;
      for (let i = 0; i < n; i++) if (ready[i] === null) ended[i] = true;
      if (ended.every(Boolean)) return;
      const frames = ready.filter((f) => f).length;
      const missing = sources.filter((_s, i) => !ended[i] && !ready[i]);
      const deadlinePassed = timeout !== undefined && performance.now() - roundStart >= timeout;
      const noneBlocking = missing.every((s) => s.state !== 'RUNNING');
      if (frames > 0 && (missing.length === 0 || deadlinePassed || noneBlocking)) break;
      if (options.signal?.aborted) return;
      const waitMs =
        timeout !== undefined && frames > 0 ? Math.max(0, roundStart + timeout - performance.now()) : POLL_MS;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(waitMs, POLL_MS));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    const batch = ready.map((f) => f ?? null);
    for (let i = 0; i < n; i++) if (ready[i]) ready[i] = undefined;
    roundStart = performance.now();
    yield batch;
  }
}
