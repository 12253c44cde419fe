import { open, stat, unlink, utimes } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { makeDir } from './make-dir.js';

/** How long to wait for, and when to break, another process's lock. */
export interface FileLockOptions {
  /** A lock untouched for this long is taken to be abandoned (default 120 s; held locks are touched every third of it). */
  staleMs?: number;
  /** Stop waiting after this long and go ahead without the lock (default 30 min). */
  waitMs?: number;
  /** Poll interval while waiting (default 100 ms). */
  pollMs?: number;
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL), so two
 * processes sharing a cache do not download the same model at once. The lock
 * is advisory: a stale lock is broken, and after `waitMs` we proceed anyway.
 * That is safe because every cache write ends in an atomic rename (the last
 * writer wins with a complete copy), so the lock only saves duplicate work.
 * `fn` should re-check whether its work was already done by the other holder.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  opts: FileLockOptions = {},
): Promise<T> {
  const staleMs = opts.staleMs ?? 120_000;
  const waitMs = opts.waitMs ?? 30 * 60_000;
  const pollMs = opts.pollMs ?? 100;
  await makeDir(dirname(lockPath));
  const deadline = Date.now() + waitMs;
  let held = false;
  while (!held) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      held = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > staleMs) {
        await unlink(lockPath).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) break;
      await sleep(pollMs);
    }
  }
  // Keep a long download's lock fresh so others do not break it.
  const touch = held
    ? setInterval(
        () => {
          const now = new Date();
          utimes(lockPath, now, now).catch(() => undefined);
        },
        Math.max(1000, staleMs / 3),
      )
    : undefined;
  touch?.unref();
  try {
    return await fn();
  } finally {
    if (touch) clearInterval(touch);
    if (held) await unlink(lockPath).catch(() => undefined);
  }
}
