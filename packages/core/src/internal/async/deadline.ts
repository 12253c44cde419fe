/** How a wait bounded by {@link settleWithin} ended. */
export type Deadline<T> = { kind: 'value'; value: T } | { kind: 'timeout' } | { kind: 'aborted' };

/**
 * The one async-deadline helper: waits for `promise`, at most `ms` (Infinity
 * = no limit), or until `signal` aborts, whichever comes first, and clears
 * its timer and abort listener either way (safe in loops on a long-lived
 * signal). A rejection of `promise` propagates; once the wait is abandoned
 * (timeout, abort) its later rejection is swallowed, so the work may go on and
 * clean up after itself.
 *
 * @example
 * const r = await settleWithin(decoder.ready(), 5000, signal);
 * if (r.kind === 'timeout') throw new Error('no frame within 5 s');
 * if (r.kind === 'aborted') return;
 * use(r.value);
 */
export function settleWithin<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<Deadline<T>> {
  promise.catch(() => undefined);
  if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
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
    signal?.addEventListener('abort', onAbort, { once: true });
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

/**
 * `promise`'s value, or a rejection with `signal.reason` as soon as the signal
 * aborts (the work itself goes on and cleans up after itself).
 *
 * @example
 * const lease = await untilAborted(engine.acquire(id), request.signal);
 */
export async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  const r = await settleWithin(promise, Number.POSITIVE_INFINITY, signal);
  if (r.kind === 'value') return r.value;
  throw signal.reason;
}
