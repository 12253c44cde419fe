import { ServerError } from '../errors.js';

interface Waiter {
  pixels: number;
  grant: () => void;
}

/**
 * The server-wide bound on decoded pixels in memory. A request asks for the
 * sum over its images (read from their headers, before anything is decoded)
 * and holds it until its work is over. Grants go in arrival order, so a
 * large request is not starved by small ones behind it.
 *
 * - more than `capacity` at once: can never fit, 413 at once;
 * - does not fit now: waits up to `waitMs`, then 503 + Retry-After.
 *
 * @example
 * const budget = new PixelBudget(200e6, 5000);
 * const release = await budget.acquire(9500 * 9500); // may wait; throws 413/503
 * try { await decodeAndInfer(); } finally { release(); }
 */
export class PixelBudget {
  readonly capacity: number;
  readonly waitMs: number;
  #inUse = 0;
  readonly #waiters: Waiter[] = [];

  constructor(capacity: number, waitMs: number) {
    this.capacity = capacity;
    this.waitMs = waitMs;
  }

  /** Pixels granted and not yet released. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Requests waiting for pixels. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Resolves with a release function (idempotent) once `pixels` fit; rejects
   * with 413 when they never can, 503 after `waitMs`, or `signal.reason`.
   */
  acquire(pixels: number, signal?: AbortSignal): Promise<() => void> {
    const n = Math.max(0, Math.ceil(pixels));
    if (n > this.capacity) {
      return Promise.reject(
        new ServerError(
          'SERVER_ERR_PIXELS_TOO_MANY',
          `The request's images decode to ${n} pixels; this server holds at most ${this.capacity} decoded pixels at once (MAX_DECODED_PIXELS). Send fewer or smaller images.`,
        ),
      );
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#waiters.length === 0 && this.#inUse + n <= this.capacity)
      return Promise.resolve(this.#grant(n));
    return new Promise((resolve, reject) => {
      const leave = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        // the head leaving may let the next ones in
        this.#pump();
      };
      const onAbort = () => {
        leave();
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        pixels: n,
        grant: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#grant(n));
        },
      };
      const timer = setTimeout(() => {
        leave();
        reject(
          new ServerError(
            'SERVER_ERR_PIXEL_BUDGET_BUSY',
            `The server is decoding as many pixels as it holds at once; waited ${this.waitMs} ms for room for ${n}. Retry later.`,
            { retryAfter: 1 },
          ),
        );
      }, this.waitMs);
      this.#waiters.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #grant(n: number): () => void {
    this.#inUse += n;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#inUse -= n;
      this.#pump();
    };
  }

  #pump(): void {
    while (this.#waiters.length > 0 && this.#inUse + this.#waiters[0].pixels <= this.capacity) {
      const w = this.#waiters.shift() as Waiter;
      w.grant();
    }
  }
}
