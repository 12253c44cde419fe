import { open, stat, unlink } from 'node:fs/promises';
import { PipelineError } from '../errors.js';

/**
 * Fails fast, before any frame, when a sink could never write `path`: its folder is
 * missing or read-only, or the path is a directory. Leaves nothing behind: an existing
 * file is opened without truncation, a new one is created and removed at once.
 * @throws PipelineError `PIPE_ERR_SINK_OPEN`
 */
export async function checkWritablePath(path: string, what: string): Promise<void> {
  const refuse = (reason: string, cause?: unknown) =>
    new PipelineError('PIPE_ERR_SINK_OPEN', `${what} cannot write ${path}: ${reason}`, {
      cause,
      details: { path },
    });
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) throw refuse('it is a directory');
  try {
    if (info) {
      await (await open(path, 'r+')).close();
    } else {
      await (await open(path, 'wx')).close();
      await unlink(path);
    }
  } catch (e) {
    throw refuse((e as NodeJS.ErrnoException).code ?? String(e), e);
  }
}
