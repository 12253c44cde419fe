import { ServerError } from '../errors.js';

interface Waiter {
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Admission for one request: counts against the model's bound from arrival
 * (so decoding is bounded too) until `done()`. `slot()` waits, in arrival
 * order, for one of the model's `concurrency` run slots.
 */
export interface Ticket {
  /** Wait for a run slot; rejects with `signal.reason` if the signal aborts first. */
  slot(signal?: AbortSignal): Promise<void>;
  /** Give the run slot back (idempotent). */
  releaseSlot(): void;
  /** Leave the queue entirely (idempotent; also releases the slot). */
  done(): void;
}

/**
 * A bounded per-model queue: at most `concurrency` inferences run at once and
 * at most `maxQueued` more are admitted; beyond that `admit()` throws 429 with
 * Retry-After, so memory stays bounded under overload.
 *
 * @example
 * const q = new ModelQueue(2, 16);
 * const t = q.admit();           // throws SERVER_ERR_QUEUE_FULL when full
 * try { await t.slot(); await run(); } finally { t.done(); }
 */
export class ModelQueue {
  readonly concurrency: number;
  readonly maxQueued: number;
  #admitted = 0;
  #running = 0;
  readonly #waiters: Waiter[] = [];
  /** Called when the last admitted request leaves. */
  onIdle?: () => void;

  constructor(concurrency: number, maxQueued: number) {
    this.concurrency = concurrency;
    this.maxQueued = maxQueued;
  }

  /** Requests admitted and not done (running, waiting or decoding). */
  get admitted(): number {
    return this.#admitted;
  }

  get running(): number {
    return this.#running;
  }

  /** Requests waiting for a run slot. */
  get waiting(): number {
    return this.#waiters.length;
  }

  admit(): Ticket {
    if (this.#admitted >= this.concurrency + this.maxQueued) {
      throw new ServerError('SERVER_ERR_QUEUE_FULL', undefined, { retryAfter: 1 });
    }
    this.#admitted++;
    let hasSlot = false;
    let finished = false;
    let pending: Waiter | undefined;
    const releaseSlot = () => {
      if (!hasSlot) return;
      hasSlot = false;
      this.#running--;
      this.#next();
    };
    return {
      slot: (signal) => {
        if (finished) return Promise.reject(new Error('ticket already done'));
        if (hasSlot) return Promise.resolve();
        if (signal?.aborted) return Promise.reject(signal.reason);
        if (this.#running < this.concurrency && this.#waiters.length === 0) {
          this.#running++;
          hasSlot = true;
          return Promise.resolve();
        }
        return new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            this.#drop(waiter);
            pending = undefined;
            reject(signal?.reason);
          };
          const waiter: Waiter = {
            resolve: () => {
              pending = undefined;
              signal?.removeEventListener('abort', onAbort);
              hasSlot = true;
              // A ticket finished while waiting hands the slot straight on.
              if (finished) releaseSlot();
              else resolve();
            },
            reject,
          };
          this.#waiters.push(waiter);
          pending = waiter;
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      },
      releaseSlot,
      done: () => {
        if (finished) return;
        finished = true;
        if (pending) this.#drop(pending);
        releaseSlot();
        this.#admitted--;
        if (this.#admitted === 0) this.onIdle?.();
      },
    };
  }

  #drop(w: Waiter): void {
    const i = this.#waiters.indexOf(w);
    if (i >= 0) this.#waiters.splice(i, 1);
  }

  #next(): void {
    while (this.#running < this.concurrency && this.#waiters.length > 0) {
      const w = this.#waiters.shift() as Waiter;
      this.#running++;
      w.resolve();
    }
  }
}

/** One queue per model key, created on demand and dropped when idle. */
export class QueueSet {
  readonly #queues = new Map<string, ModelQueue>();
  readonly #concurrency: number;
  readonly #maxQueued: number;

  constructor(concurrency: number, maxQueued: number) {
    this.#concurrency = concurrency;
    this.#maxQueued = maxQueued;
  }

  /** Admit a request for `key` (throws 429 when that model's queue is full). */
  admit(key: string): Ticket {
    let q = this.#queues.get(key);
    if (!q) {
      const created = new ModelQueue(this.#concurrency, this.#maxQueued);
      created.onIdle = () => {
        if (this.#queues.get(key) === created) this.#queues.delete(key);
      };
      this.#queues.set(key, created);
      q = created;
    }
    return q.admit();
  }

  /** Current queues (for metrics). */
  entries(): [string, ModelQueue][] {
    return [...this.#queues.entries()];
  }
}
