/**
 * A bounded FIFO between two async loops: `push` waits while full, `shift` waits while
 * empty. `close()` wakes both sides; after it `push` drops and `shift` drains then
 * returns undefined.
 */
export class BoundedQueue<T> {
  readonly capacity: number;
  readonly #items: T[] = [];
  #closed = false;
  #spaceWaiters: Array<() => void> = [];
  #itemWaiters: Array<() => void> = [];

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#items.length;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Adds an item, waiting for room. Returns false (item dropped) when the queue is closed. */
  async push(item: T): Promise<boolean> {
    while (this.#items.length >= this.capacity && !this.#closed) {
      await new Promise<void>((r) => this.#spaceWaiters.push(r));
    }
    if (this.#closed) return false;
    this.#items.push(item);
    this.#itemWaiters.shift()?.();
    return true;
  }

  /** Next item, waiting for one; undefined once closed and empty. */
  async shift(): Promise<T | undefined> {
    while (this.#items.length === 0) {
      if (this.#closed) return undefined;
      await new Promise<void>((r) => this.#itemWaiters.push(r));
    }
    const item = this.#items.shift();
    this.#spaceWaiters.shift()?.();
    return item;
  }

  /** No more pushes. With `discard`, queued items are dropped too. */
  /** Close; with `discard` the queued items are dropped and returned (so the caller can count them). */
  close(discard = false): T[] {
    this.#closed = true;
    const dropped = discard ? this.#items.splice(0) : [];
    for (const w of this.#spaceWaiters.splice(0)) w();
    for (const w of this.#itemWaiters.splice(0)) w();
    return dropped;
  }
}
