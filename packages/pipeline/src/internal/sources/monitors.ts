/** Fixed-capacity ring of numbers with a running mean (NaN entries are skipped). */
export class RollingMean {
  readonly #values: Float64Array;
  #count = 0;
  #next = 0;

  constructor(capacity: number) {
    this.#values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.#values[this.#next] = value;
    this.#next = (this.#next + 1) % this.#values.length;
    this.#count = Math.min(this.#count + 1, this.#values.length);
  }

  /** Mean of the kept values, or null when there are none. */
  mean(): number | null {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < this.#count; i++) {
      const v = this.#values[i];
      if (Number.isNaN(v)) continue;
      sum += v;
      n++;
    }
    return n > 0 ? sum / n : null;
  }
}

/**
 * Frames per second over the last `window` ticks: ticks after the oldest one divided by
 * the time since it. Several frames of one batch tick at the same instant, so every
 * tick sharing the oldest timestamp is left out of the count, not just one.
 * Time comes from `performance.now()` unless given.
 */
export class FpsMonitor {
  readonly #ticks: Float64Array;
  #count = 0;
  #next = 0;

  constructor(window = 30) {
    this.#ticks = new Float64Array(window);
  }

  tick(at = performance.now()): void {
    this.#ticks[this.#next] = at;
    this.#next = (this.#next + 1) % this.#ticks.length;
    this.#count = Math.min(this.#count + 1, this.#ticks.length);
  }

  /** Ticks in the window. */
  get samples(): number {
    return this.#count;
  }

  /** 0 until there are two instants; with `now`, as if one more tick happened then. */
  fps(now?: number): number {
    if (this.#count === 0) return 0;
    const oldest = this.#ticks[this.#count < this.#ticks.length ? 0 : this.#next];
    const newest = now ?? this.#ticks[(this.#next - 1 + this.#ticks.length) % this.#ticks.length];
    const span = newest - oldest;
    if (span <= 0) return 0;
    let after = now === undefined ? 0 : 1;
    for (let i = 0; i < this.#count; i++) if (this.#ticks[i] !== oldest) after++;
    return (after * 1000) / span;
  }

  reset(): void {
    this.#count = 0;
    this.#next = 0;
  }
}
