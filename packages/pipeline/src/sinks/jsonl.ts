import { createWriteStream } from 'node:fs';
import { PipelineError } from '../errors.js';
import { firstEvent } from './first-event.js';
import { frameRecord, stringifyPrediction } from './serialize.js';
import { type ClosableSink, forEachFrame, withClose } from './types.js';

/** Options of {@link jsonlSink}. */
export interface JsonlSinkOptions {
  /** Append to an existing file instead of truncating it (default false). */
  append?: boolean;
}

/**
 * Sink writing one JSON line per frame:
 * `{"source_id":0,"frame_id":7,"frame_timestamp":"2024-…Z","predictions":{…}}`
 * (plus `"analytics":{"lines":[…],"zones":[…]}` when the pipeline has lines or zones),
 * where `predictions` is the prediction's `toJSON()` (a Roboflow response for core models).
 * Waits for the file stream to drain (back-pressure); `close()` flushes and closes the file.
 *
 * @example
 * const sink = jsonlSink('/tmp/out.jsonl');
 * // … run the pipeline …
 * await sink.close();
 */
export function jsonlSink<P = unknown>(path: string, options: JsonlSinkOptions = {}): ClosableSink<P> {
  const stream = createWriteStream(path, { flags: options.append ? 'a' : 'w' });
  let failure: unknown;
  stream.on('error', (e) => {
    failure = e;
  });
  let closing: Promise<void> | undefined;
  const fail = () => new PipelineError('PIPE_ERR_SINK_FAILED', `writing ${path} failed`, { cause: failure });
  return withClose<P>(
    (predictions, frames) =>
      forEachFrame(predictions, frames, async (p, frame) => {
        if (failure) throw fail();
        if (closing) throw new PipelineError('PIPE_ERR_SINK_CLOSED', `jsonl sink for ${path} is closed`);
        const line = stringifyPrediction(frameRecord(p, frame));
        if (!stream.write(`${line}\n`)) {
          await firstEvent([
            [stream, 'drain'],
            [stream, 'close'],
          ]);
        }
      }),
    () => {
      closing ??= new Promise<void>((resolve) => {
        if (stream.closed || stream.destroyed) return resolve();
        stream.end(() => resolve());
        stream.once('error', () => resolve());
      }).then(() => {
        if (failure) throw fail();
      });
      return closing;
    },
  );
}
