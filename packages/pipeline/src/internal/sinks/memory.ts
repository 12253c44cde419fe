import { PipelineError } from '../errors.js';
import type { VideoFrame } from '../types.js';
import { type ClosableSink, withClose } from './types.js';

/** One buffered batch: aligned lists as the sink received them. */
export interface BufferedBatch<P> {
  predictions: (P | null)[];
  frames: (VideoFrame | null)[];
}

/** Options of {@link memorySink}. */
export interface MemorySinkOptions {
  /** Batches kept; when full the oldest is evicted (default 64). */
  size?: number;
  /** Keep frame pixels (default false: frames keep their metadata with a 0×0 image, so memory stays small). */
  keepImages?: boolean;
}

/** The in-memory sink: a bounded FIFO of batches. */
export interface MemorySink<P> extends ClosableSink<P> {
  /** Oldest buffered batch, removed from the buffer; undefined when empty. */
  consume(): BufferedBatch<P> | undefined;
  /** Batches buffered now. */
  readonly length: number;
  /** Batches evicted because the buffer was full. */
  readonly evicted: number;
}

const NO_PIXELS = { data: new Uint8Array(0), width: 0, height: 0 } as const;

/**
 * Sink keeping the last `size` batches in memory (Roboflow's InMemoryBufferSink): the
 * oldest batch is evicted when full, `consume()` pops in FIFO order. Pixels are dropped
 * unless `keepImages`. `close()` keeps the buffered batches for consumption.
 *
 * @example
 * const sink = memorySink({ size: 8 });
 * // … later, e.g. in an HTTP handler:
 * const batch = sink.consume();   // { predictions: [...], frames: [...] } | undefined
 */
export function memorySink<P = unknown>(options: MemorySinkOptions = {}): MemorySink<P> {
  const size = options.size ?? 64;
  if (!Number.isInteger(size) || size < 1) {
    throw new PipelineError(
      'PIPE_ERR_INVALID_OPTION',
      `memorySink size must be a positive integer, got ${size}`,
    );
  }
  const ring: (BufferedBatch<P> | undefined)[] = new Array(size);
  let head = 0; // oldest
  let count = 0;
  let evicted = 0;
  const sink = withClose<P>(
    (predictions, frames) => {
      const kept = options.keepImages
        ? [...frames]
        : frames.map((f) => (f ? { ...f, image: NO_PIXELS } : null));
      if (count === size) {
        head = (head + 1) % size;
        count--;
        evicted++;
      }
      ring[(head + count) % size] = { predictions: [...predictions], frames: kept };
      count++;
    },
    // Closing keeps what is buffered: results can still be consumed after the pipeline ended.
    async () => {},
  );
  return Object.defineProperties(sink, {
    consume: {
      value: (): BufferedBatch<P> | undefined => {
        if (count === 0) return undefined;
        const batch = ring[head];
        ring[head] = undefined;
        head = (head + 1) % size;
        count--;
        return batch;
      },
    },
    length: { get: () => count },
    evicted: { get: () => evicted },
  }) as MemorySink<P>;
}
