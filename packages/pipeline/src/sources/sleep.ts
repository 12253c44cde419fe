/** Resolves after `ms`, or early (without rejecting) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Resolves when the first of `waits` settles or `signal` aborts (never
 * rejects), and removes its abort listener either way, so waiting in a loop
 * on a long-lived signal leaves nothing behind.
 */
export function firstOrAbort(waits: readonly Promise<unknown>[], signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    Promise.race(waits).then(done, done);
  });
}

/** Delay before reconnection attempt `attempt` (0-based). */
export function backoffDelay(
  attempt: number,
  options: { initialDelayMs: number; maxDelayMs: number; factor: number },
): number {
  return Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** attempt);
}

/** Outcome of `settleWithin`. */
export type Deadline<T> = { kind: 'value'; value: T } | { kind: 'timeout' } | { kind: 'aborted' };

/**
 * Waits for `promise`, at most `ms` (Infinity = no limit), or until `signal`
 * aborts. Rejections propagate; an abandoned promise's later rejection is swallowed.
 */
export function settleWithin<T>(promise: Promise<T>, ms: number, signal: AbortSignal): Promise<Deadline<T>> {
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      cleanup();
      resolve({ kind: 'aborted' });
    };
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
          cleanup();
          resolve({ kind: 'timeout' });
        }, ms)
      : undefined;
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        cleanup();
        resolve({ kind: 'value', value });
      },
      (e) => {
        cleanup();
        reject(e);
      },
    );
  });
}
