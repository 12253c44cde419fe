import type { VideoFrame } from '../types.js';
import type { BufferConsumptionStrategy, BufferFillingStrategy } from './types.js';

/** Result of offering a frame: `dropped` is the frame that did not make it (evicted or rejected). */
export interface OfferResult {
  dropped?: VideoFrame;
}

/**
 * Bounded FIFO of decoded frames between a source's reader loop and `read()`.
 * Single producer; any number of waiting consumers (served in order).
 */
export class FrameBuffer {
  readonly capacity: number;
  #items: VideoFrame[] = [];
  #ended = false;
  #takers: Array<(frame: VideoFrame | null) => void> = [];
  #spaceWaiters: Array<() => void> = [];

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  get size(): number {
    return this.#items.length;
  }

  get full(): boolean {
    return this.#items.length >= this.capacity;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Resolves when there is room (or the buffer ended). Used by WAIT before reading the decoder. */
  whenSpace(): Promise<void> {
    if (!this.full || this.#ended) return Promise.resolve();
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  /**
   * Adds a frame. A waiting consumer gets it directly. When full: DROP_LATEST
   * rejects `frame`; every other strategy evicts the oldest (WAIT callers wait
   * with `whenSpace()` first, so they only get here with room).
   */
  offer(frame: VideoFrame, strategy: BufferFillingStrategy): OfferResult {
    if (this.#ended) return { dropped: frame };
    const taker = this.#takers.shift();
    if (taker) {
      taker(frame);
      return {};
    }
    if (!this.full) {
      this.#items.push(frame);
      return {};
    }
    if (strategy === 'DROP_LATEST' || strategy === 'ADAPTIVE_DROP_LATEST') return { dropped: frame };
    const dropped = this.#items.shift();
    this.#items.push(frame);
    return dropped ? { dropped } : {};
  }

  /**
   * Next frame per strategy, waiting if empty; null once ended and drained.
   * `skipped` receives frames an EAGER take discarded.
   */
  take(
    strategy: BufferConsumptionStrategy,
    skipped: (frame: VideoFrame) => void,
  ): Promise<VideoFrame | null> {
    if (this.#items.length > 0) {
      let frame: VideoFrame;
      if (strategy === 'EAGER') {
        frame = this.#items.pop()!;
        for (const old of this.#items) skipped(old);
        this.#items = [];
      } else {
        frame = this.#items.shift()!;
      }
      this.#wakeSpace();
      return Promise.resolve(frame);
    }
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** Removes and returns every buffered frame. */
  purge(): VideoFrame[] {
    const items = this.#items;
    this.#items = [];
    this.#wakeSpace();
    return items;
  }

  /** No more frames will come: waiting consumers get null after the buffered frames are read. */
  end(): void {
    this.#ended = true;
    for (const taker of this.#takers.splice(0)) taker(null);
    this.#wakeSpace();
  }

  #wakeSpace(): void {
    for (const wake of this.#spaceWaiters.splice(0)) wake();
  }
}
