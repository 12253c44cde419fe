import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError } from './errors.js';

/**
 * `mkdir -p` that always settles. Node 20's recursive mkdir never returns for
 * some paths under pseudo file systems (`/proc/x` answers ENOENT although its
 * parent exists, and the recursion retries forever); here each level is tried
 * once, so a folder that cannot be made is a clear error at once.
 *
 * @param what names the folder in the error, e.g. '--annotate folder'
 */
export async function ensureDir(dir: string, what: string): Promise<string> {
  const abs = resolve(dir);
  const fail = (why: string, cause?: unknown): never => {
    throw new CliError(`cannot create the ${what} ${abs}: ${why}`, 1, cause);
  };
  const make = async (path: string): Promise<void> => {
    try {
      await mkdir(path);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        const s = await stat(path).catch(() => undefined);
        if (s?.isDirectory()) return;
        fail(`${path} exists and is not a folder`, e);
      }
      const parent = dirname(path);
      if (code !== 'ENOENT' || parent === path) fail((e as Error).message, e);
      await make(parent);
      // the parent exists now: a second ENOENT means this file system refuses the name
      try {
        await mkdir(path);
      } catch (again) {
        if ((again as NodeJS.ErrnoException).code === 'EEXIST') return;
        fail((again as Error).message, again);
      }
    }
  };
  await make(abs);
  return abs;
}
