/**
 * Pixel buffers of frames their consumer is done with (`VideoSource.recycle`, and
 * frames the source dropped itself), for the decoder to fill again: without them
 * every frame is a fresh allocation, and the dead frames' megabytes drive V8's
 * garbage collections. Bounded; buffers of a previous frame size are let go.
 */
export class FrameSpares {
  readonly #free: Uint8Array[] = [];
  readonly #limit: number;

  constructor(limit = 4) {
    this.#limit = limit;
  }

  /** A buffer of `bytes` bytes: a spare one when there is one, else new. */
  readonly take = (bytes: number): Uint8Array => {
    const spare = this.#free.pop();
    if (spare && spare.byteLength === bytes) return spare;
    if (spare) this.#free.length = 0; // the frame size changed: the rest are stale too
    return new Uint8Array(bytes);
  };

  /** Hands a whole buffer back; views into larger buffers and buffers already here are ignored. */
  give(data: Uint8Array): void {
    if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) return;
    if (this.#free.length >= this.#limit || this.#free.includes(data)) return;
    this.#free.push(data);
  }

  /** Buffers waiting to be reused. */
  get size(): number {
    return this.#free.length;
  }
}
