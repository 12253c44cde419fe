import type { FpsMonitor } from './monitors.js';

/**
 * Decides ADAPTIVE_* drops: drop a frame before buffering while frames arrive
 * faster than the consumer reads them (by more than a tolerance), after a warm-up
 * and never too many in a row. Roboflow's second rule (arrival slower than the
 * declared fps) is left out: here ffmpeg decodes every frame anyway, so dropping
 * cannot help a lagging decoder catch up.
 */
export class AdaptiveDropper {
  #inRow = 0;
  constructor(
    private readonly arrival: FpsMonitor,
    private readonly reads: FpsMonitor,
    private readonly options: { paceToleranceFps: number; minimumSamples: number; maxDroppedInRow: number },
  ) {}

  shouldDrop(now = performance.now()): boolean {
    const { minimumSamples, maxDroppedInRow, paceToleranceFps } = this.options;
    let drop = false;
    if (
      this.#inRow < maxDroppedInRow &&
      this.arrival.samples > minimumSamples &&
      this.reads.samples > minimumSamples
    ) {
      drop = this.arrival.fps() - this.reads.fps(now) > paceToleranceFps;
    }
    this.#inRow = drop ? this.#inRow + 1 : 0;
    return drop;
  }
}

/**
 * Live-source rate gate: accepts at most `maxFps` frames per second on average,
 * tolerating a quarter-interval of arrival jitter.
 */
export class RateGate {
  readonly #interval: number;
  #next = Number.NEGATIVE_INFINITY;

  constructor(maxFps: number) {
    this.#interval = 1000 / maxFps;
  }

  accept(now = performance.now()): boolean {
    if (now < this.#next - this.#interval / 4) return false;
    // Fall back to `now` after a gap so a stall does not allow a burst afterwards.
    this.#next = now - this.#next > this.#interval ? now + this.#interval : this.#next + this.#interval;
    return true;
  }
}
