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
    waitFor(match: (e: SourceEvent) => boolean): Promise<SourceEvent> {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
