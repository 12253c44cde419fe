import { once } from 'node:events';

/**
 * Resolves with the index of the first `[emitter, event]` pair that fires,
 * and removes every listener it added, whichever wins (so waiting once per
 * frame on long-lived streams leaves nothing behind). Rejects like
 * `events.once` when an emitter emits 'error' first.
 */
export async function firstEvent(
  pairs: readonly (readonly [NodeJS.EventEmitter, string])[],
): Promise<number> {
  const ac = new AbortController();
  const waits = pairs.map(([emitter, name], i) => once(emitter, name, { signal: ac.signal }).then(() => i));
  try {
    return await Promise.race(waits);
  } finally {
    ac.abort();
    for (const w of waits) w.catch(() => {}); // the losers reject with AbortError
  }
}
