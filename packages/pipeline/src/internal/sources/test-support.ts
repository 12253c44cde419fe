import { execFileSync } from 'node:child_process';
import type { SourceEvent } from './types.js';

/** pids of processes whose command line contains `marker` (excluding pgrep itself). */
export function pidsMatching(marker: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Collects events; `waitFor` resolves when a matching event arrives. */
export function eventLog() {
  const events: SourceEvent[] = [];
  const waiters: Array<{ match: (e: SourceEvent) => boolean; resolve: (e: SourceEvent) => void }> = [];
  return {
    events,
    onEvent(e: SourceEvent) {
      events.push(e);
      for (const w of [...waiters]) {
        if (w.match(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    },
    /** Events so far; pass it to `waitFor` to wait only for what happens from now on. */
    mark(): number {
      return events.length;
    },
    /** The first matching event at index `from` or later (already seen, or the next one to come). */
    waitFor(match: (e: SourceEvent) => boolean, from = 0): Promise<SourceEvent> {
      const seen = events.slice(from).find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
