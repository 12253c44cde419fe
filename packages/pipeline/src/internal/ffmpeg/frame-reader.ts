import type { Readable } from 'node:stream';

/**
 * Pull-based reader of fixed-size frames from a byte stream (ffmpeg's stdout).
 * The stream stays paused unless a `read()` is waiting, so an unread pipe
 * fills up and blocks ffmpeg: that is the back-pressure WAIT relies on. Each
 * byte is copied exactly once, from the pipe chunk into the frame. Frames come
 * from `allocate` when given (a consumer's recycled buffers), new otherwise.
 */
export class FrameReader {
  readonly #stream: Readable;
  readonly #frameSize: number;
  readonly #allocate: (bytes: number) => Uint8Array;
  #pending: Buffer | undefined; // unconsumed tail of the last chunk (a view, not a copy)
  #frame: Uint8Array | undefined;
  #filled = 0;
  #waiter: { resolve: (f: Uint8Array | null) => void; reject: (e: Error) => void } | undefined;
  #ended = false;
  #error: Error | undefined;

  constructor(stream: Readable, frameSize: number, allocate?: (bytes: number) => Uint8Array) {
    this.#stream = stream;
    this.#frameSize = frameSize;
    this.#allocate = allocate ?? ((bytes) => new Uint8Array(bytes));
    stream.pause();
    stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    stream.once('end', () => this.#finish());
    stream.once('close', () => this.#finish());
    stream.once('error', (e: Error) => {
      this.#error = e;
      this.#finish();
    });
  }

  /** Bytes per frame. */
  get frameSize(): number {
    return this.#frameSize;
  }

  /** The next whole frame, or null at end of stream (a trailing partial frame is discarded). */
  read(): Promise<Uint8Array | null> {
    if (this.#waiter) return Promise.reject(new Error('FrameReader.read() called concurrently'));
    this.#frame = this.#allocate(this.#frameSize);
    this.#filled = 0;
    if (this.#pending) {
      const chunk = this.#pending;
      this.#pending = undefined;
      const done = this.#fill(chunk);
      if (done) return Promise.resolve(done);
    }
    if (this.#ended) return this.#error ? Promise.reject(this.#error) : Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
      this.#stream.resume();
    });
  }

  /** Copies as much of `chunk` as fits; keeps the rest pending. Returns the frame when complete. */
  #fill(chunk: Buffer): Uint8Array | undefined {
    const frame = this.#frame!;
    const take = Math.min(chunk.length, this.#frameSize - this.#filled);
    frame.set(take === chunk.length ? chunk : chunk.subarray(0, take), this.#filled);
    this.#filled += take;
    if (take < chunk.length) this.#pending = chunk.subarray(take);
    if (this.#filled < this.#frameSize) return undefined;
    this.#frame = undefined;
    return frame;
  }

  #onData(chunk: Buffer): void {
    if (!this.#waiter || !this.#frame) {
      // Data that arrives after a pause() already took effect: keep it for the next read.
      this.#pending = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
      this.#stream.pause();
      return;
    }
    const done = this.#fill(chunk);
    if (!done) return;
    this.#stream.pause();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter.resolve(done);
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (!waiter) return;
    if (this.#error) waiter.reject(this.#error);
    else waiter.resolve(null);
  }
}
