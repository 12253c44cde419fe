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

  /** 0 until two ticks were seen. */
  fps(): number {
    if (this.#count < 2) return 0;
    const newest = this.#ticks[(this.#next - 1 + this.#ticks.length) % this.#ticks.length];
    const oldest = this.#ticks[this.#count < this.#ticks.length ? 0 : this.#next];
    const span = newest - oldest;
    if (span <= 0) return 0;
    let after = 0;
    for (let i = 0; i < this.#count; i++) if (this.#ticks[i] !== oldest) after++;
    return (after * 1000) / span;
  }
}
