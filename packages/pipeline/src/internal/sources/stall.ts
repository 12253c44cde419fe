/** Settings of the adaptive stall limit of live streams (see `VideoSourceOptions.adaptiveStall`). */
export interface AdaptiveStallOptions {
  /** Never call a stream stalled sooner than this (default 1000 ms). */
  minMs?: number;
  /** The limit is this many times the longest recent wait for a frame (default 4). */
  factor?: number;
  /** Frames a connection must deliver before the adaptive limit applies; until then `stallTimeoutMs` (default 10). */
  warmupFrames?: number;
}

const WINDOW = 64;

/**
 * How long a live connection may go without a frame before it is treated as dead.
 * Until a connection has shown its pace it gets the fixed `stallTimeoutMs` (startup,
 * first keyframe); afterwards `factor` × the longest of its last 64 frame waits, kept
 * within [`minMs`, `stallTimeoutMs`]. A 30 fps camera that stops sending is so noticed
 * after about a second instead of the full stall timeout, while a slow or jittery
 * stream keeps a proportionally longer limit.
 *
 * @example
 * const stall = new StallLimit(10_000, {});
 * for (let i = 0; i < 10; i++) stall.observe(33);
 * stall.limitMs; // 1000 (4 × 33 ms, raised to minMs)
 */
export class StallLimit {
  readonly #fixedMs: number;
  readonly #minMs: number;
  readonly #factor: number;
  readonly #warmup: number;
  readonly #adaptive: boolean;
  readonly #waits = new Float64Array(WINDOW);
  #count = 0;
  #next = 0;
  #seen = 0;

  constructor(fixedMs: number, adaptive: AdaptiveStallOptions | false) {
    this.#fixedMs = fixedMs;
    this.#adaptive = adaptive !== false && Number.isFinite(fixedMs);
    const o = adaptive === false ? {} : adaptive;
    this.#minMs = Math.min(o.minMs ?? 1000, fixedMs);
    this.#factor = o.factor ?? 4;
    this.#warmup = o.warmupFrames ?? 10;
  }

  /** Forget the pace (a new connection). */
  reset(): void {
    this.#count = 0;
    this.#next = 0;
    this.#seen = 0;
  }

  /** A frame arrived after waiting `ms` for it. */
  observe(ms: number): void {
    this.#waits[this.#next] = ms;
    this.#next = (this.#next + 1) % WINDOW;
    this.#count = Math.min(this.#count + 1, WINDOW);
    this.#seen++;
  }

  /** The fixed limit (`stallTimeoutMs`). */
  get fixedMs(): number {
    return this.#fixedMs;
  }

  /** True when the current limit comes from the observed pace rather than `stallTimeoutMs`. */
  get adaptive(): boolean {
    return this.#adaptive && this.#seen >= this.#warmup;
  }

  /** The current limit in ms. */
  get limitMs(): number {
    if (!this.adaptive) return this.#fixedMs;
    let longest = 0;
    for (let i = 0; i < this.#count; i++) longest = Math.max(longest, this.#waits[i]);
    return Math.min(this.#fixedMs, Math.max(this.#minMs, Math.ceil(longest * this.#factor)));
  }
}
