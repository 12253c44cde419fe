import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` that always settles. Node 20's `mkdir(path, { recursive: true })`
 * (and its sync twin) never returns for some paths on pseudo file systems:
 * `/proc/x` answers ENOENT although `/proc` exists, and the recursion retries
 * forever. Here each level is tried at most twice, so a folder that cannot be
 * made rejects at once with the system's error (`code` kept: ENOENT, EACCES,
 * ENOTDIR, ...).
 *
 * @example
 * await makeDir('/tmp/a/b/c'); // made, parents too
 * await makeDir('/proc/x');    // rejects: ENOENT, no hang
 */
export async function makeDir(path: string): Promise<void> {
  const abs = resolve(path);
  try {
    await mkdir(abs);
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(abs)).isDirectory()) return;
      throw e; // a file is in the way
    }
    const parent = dirname(abs);
    if (code !== 'ENOENT' || parent === abs) throw e;
    await makeDir(parent);
  }
  // The parent exists now: another ENOENT means this file system refuses the name.
  try {
    await mkdir(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(abs)).isDirectory()) throw e;
  }
}
