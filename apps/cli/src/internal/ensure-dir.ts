import { resolve } from 'node:path';
import { makeDir } from '@inference-ts/core/registry';
import { CliError } from './errors.js';

/**
 * Make an output folder the user named, or fail at once in one line.
 * (`makeDir`, unlike Node's recursive mkdir, settles on paths like `/proc/x`.)
 *
 * @param what names the folder in the error, e.g. '--annotate folder'
 */
export async function ensureDir(dir: string, what: string): Promise<string> {
  const abs = resolve(dir);
  try {
    await makeDir(abs);
  } catch (e) {
    throw new CliError(`cannot create the ${what} ${abs}: ${(e as Error).message}`, 1, e);
  }
  return abs;
}
