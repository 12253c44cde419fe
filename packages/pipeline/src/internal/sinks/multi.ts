import { isPipelineError, PipelineError } from '../errors.js';
import type { ClosableSink, Sink } from './types.js';
import { withClose } from './types.js';

/** Options of {@link multiSink}. */
export interface MultiSinkOptions {
  /**
   * Told about each failing sink (`index` = position in the list). Without it, failures
   * are gathered into one `PIPE_ERR_SINK_FAILED` error thrown after every sink ran.
   */
  onError?: (error: unknown, index: number) => void;
  /**
   * A sink failing on this many batches in a row makes the batch call reject with
   * `PIPE_ERR_SINK_ERROR_LIMIT` (after `onError` was told), every later batch too.
   * Default: never (Infinity).
   */
  maxConsecutiveErrors?: number;
}

/**
 * Fan a batch out to several sinks, isolating them: every sink runs (started in order,
 * awaited together), and one that throws or rejects never keeps the others from their
 * batch. `open()` opens them all and rejects with the first failure (`PIPE_ERR_SINK_OPEN`).
 * `close()` closes them all, even when some fail to close.
 *
 * @example
 * const sink = multiSink([jsonlSink('out.jsonl'), udpSink('127.0.0.1', 9999)], {
 *   onError: (e, i) => console.warn(`sink ${i} failed`, e),
 * });
 */
export function multiSink<P = unknown>(
  sinks: readonly Sink<P>[],
  options: MultiSinkOptions = {},
): ClosableSink<P> & { open(): Promise<void> } {
  const list = [...sinks];
  const limit = options.maxConsecutiveErrors ?? Number.POSITIVE_INFINITY;
  const inARow = new Array<number>(list.length).fill(0);
  let gaveUp: PipelineError | undefined;
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
  const batch = async (predictions: readonly (P | null)[], frames: Parameters<Sink<P>>[1]) => {
    if (gaveUp) throw gaveUp;
    const failures = await run((s) => s(predictions, frames));
    const failed = new Set(failures.map((f) => f.index));
    for (let i = 0; i < list.length; i++) inARow[i] = failed.has(i) ? inARow[i] + 1 : 0;
    const worst = failures.find((f) => inARow[f.index] >= limit);
    if (!worst) return report(failures, 'handle a batch');
    if (options.onError) for (const f of failures) options.onError(f.error, f.index);
    const last = worst.error instanceof Error ? worst.error.message : String(worst.error);
    gaveUp = new PipelineError(
      'PIPE_ERR_SINK_ERROR_LIMIT',
      `sink ${worst.index} failed on ${inARow[worst.index]} batches in a row; last error: ${last}`,
      { cause: worst.error, details: { sink: worst.index, consecutiveErrors: inARow[worst.index] } },
    );
    throw gaveUp;
  };
  const open = async () => {
    const failures = await run((s) => s.open?.());
    if (failures.length === 0) return;
    const { error, index } = failures[0];
    if (isPipelineError(error) && error.code === 'PIPE_ERR_SINK_OPEN') throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new PipelineError('PIPE_ERR_SINK_OPEN', `sink ${index} could not be opened: ${message}`, {
      cause: error,
      details: { sink: index },
    });
  };
  const sink = withClose<P>(batch, async () => report(await run((s) => s.close?.()), 'close'), open);
  return sink as ClosableSink<P> & { open(): Promise<void> };
}
