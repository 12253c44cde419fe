import { PipelineError } from '../errors.js';
import type { Sink } from './types.js';
import { withClose } from './types.js';

/** Options of {@link multiSink}. */
export interface MultiSinkOptions {
  /**
   * Told about each failing sink (`index` = position in the list). Without it, failures
   * are gathered into one `PIPE_ERR_SINK_FAILED` error thrown after every sink ran.
   */
  onError?: (error: unknown, index: number) => void;
}

/**
 * Fan a batch out to several sinks, isolating them: every sink runs (started in order,
 * awaited together), and one that throws or rejects never keeps the others from their
 * batch. `close()` closes them all, even when some fail to close.
 *
 * @example
 * const sink = multiSink([jsonlSink('out.jsonl'), udpSink('127.0.0.1', 9999)], {
 *   onError: (e, i) => console.warn(`sink ${i} failed`, e),
 * });
 */
export function multiSink<P = unknown>(
  sinks: readonly Sink<P>[],
  options: MultiSinkOptions = {},
): Sink<P> & { close(): Promise<void> } {
  const list = [...sinks];
  const report = (failures: { error: unknown; index: number }[], what: string) => {
    if (failures.length === 0) return;
    if (options.onError) {
      for (const f of failures) options.onError(f.error, f.index);
      return;
    }
    throw new PipelineError(
      'PIPE_ERR_SINK_FAILED',
      `${failures.length} of ${list.length} sinks failed to ${what}`,
      {
        cause: failures[0].error,
        details: { failedSinks: failures.map((f) => f.index) },
      },
    );
  };
  const run = async (
    call: (s: Sink<P>) => void | Promise<void>,
  ): Promise<{ error: unknown; index: number }[]> => {
    const settled = await Promise.allSettled(
      list.map(async (s) => {
        await call(s);
      }),
    );
    const failures: { error: unknown; index: number }[] = [];
    settled.forEach((r, index) => {
      if (r.status === 'rejected') failures.push({ error: r.reason, index });
    });
    return failures;
  };
  return withClose<P>(
    async (predictions, frames) => report(await run((s) => s(predictions, frames)), 'handle a batch'),
    async () => report(await run((s) => s.close?.()), 'close'),
  );
}
