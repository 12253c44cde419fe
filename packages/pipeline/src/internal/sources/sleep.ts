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
