/**
 * A small per-tracker-id state (one int each) that forgets ids unseen for
 * `forgetAfter` updates, so endless streams do not grow it without bound.
 * Call `tick()` once per frame before `swap`/`get`, and `sweep()` after.
 */
export class TrackerMemory {
  readonly #state = new Map<number, number>();
  readonly #seen = new Map<number, number>();
  readonly #forgetAfter: number;
  #frame = 0;

  constructor(forgetAfter: number) {
    this.#forgetAfter = forgetAfter > 0 ? forgetAfter : Number.POSITIVE_INFINITY;
  }

  tick(): void {
    this.#frame++;
  }

  /** Current frame number (updates so far). */
  get frame(): number {
    return this.#frame;
  }

  /** Stores the id's state, returns the previous one (-1 when unknown). */
  swap(id: number, state: number): number {
    const previous = this.#state.get(id);
    this.#state.set(id, state);
    this.#seen.set(id, this.#frame);
    return previous ?? -1;
  }

  /** The id's state (-1 when unknown); marks it seen. */
  touch(id: number): number {
    this.#seen.set(id, this.#frame);
    return this.#state.get(id) ?? -1;
  }

  get(id: number): number {
    return this.#state.get(id) ?? -1;
  }

  set(id: number, state: number): void {
    this.#state.set(id, state);
    this.#seen.set(id, this.#frame);
  }

  delete(id: number): void {
    this.#state.delete(id);
    this.#seen.delete(id);
  }

  /** Entries for ids, with their state. */
  entries(): IterableIterator<[number, number]> {
    return this.#state.entries();
  }

  get size(): number {
    return this.#state.size;
  }

  /**
   * Forgets ids unseen for more than `forgetAfter` updates; calls `onForget(id, state)`
   * for each. Runs a full scan only every 64 frames to keep the per-frame cost flat.
   */
  sweep(onForget?: (id: number, state: number) => void, force = false): void {
    if (!Number.isFinite(this.#forgetAfter)) return;
    if (!force && (this.#frame & 63) !== 0) return;
    for (const [id, last] of this.#seen) {
      if (this.#frame - last > this.#forgetAfter) {
        onForget?.(id, this.#state.get(id) ?? -1);
        this.delete(id);
      }
    }
  }

  clear(): void {
    this.#state.clear();
    this.#seen.clear();
  }
}
