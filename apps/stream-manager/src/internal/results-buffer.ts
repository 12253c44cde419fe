/**
 * Roboflow's `InMemoryBufferSink`: a bounded FIFO of batches; when full, a new batch
 * evicts the oldest (counted). Each consume pops the oldest.
 */
export class ResultsBuffer<T> {
  readonly capacity: number;
  #items: T[] = [];
  #head = 0;
  evicted = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    if (this.size >= this.capacity) {
      this.#head++;
      this.evicted++;
    }
    this.#items.push(item);
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined as T;
    return item;
  }
}
