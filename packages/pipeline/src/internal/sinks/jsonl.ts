import { createWriteStream, type WriteStream } from 'node:fs';
import { PipelineError } from '../errors.js';
import { firstEvent } from './first-event.js';
import { checkWritablePath } from './output-path.js';
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
 * `open()` (called by the pipeline's `start()`) fails fast on a path that cannot be written;
 * the file itself is created (or truncated) with the first frame, so a pipeline that fails
 * to start leaves no empty file behind.
 *
 * @example
 * const sink = jsonlSink('/tmp/out.jsonl');
 * // … run the pipeline …
 * await sink.close();
 */
export function jsonlSink<P = unknown>(path: string, options: JsonlSinkOptions = {}): ClosableSink<P> {
  let stream: WriteStream | undefined;
  let failure: unknown;
  const file = () => {
    if (!stream) {
      stream = createWriteStream(path, { flags: options.append ? 'a' : 'w' });
      stream.on('error', (e) => {
        failure = e;
      });
    }
    return stream;
  };
  let closing: Promise<void> | undefined;
  const fail = () => new PipelineError('PIPE_ERR_SINK_FAILED', `writing ${path} failed`, { cause: failure });
  return withClose<P>(
    (predictions, frames) =>
      forEachFrame(predictions, frames, async (p, frame) => {
        if (failure) throw fail();
        if (closing) throw new PipelineError('PIPE_ERR_SINK_CLOSED', `jsonl sink for ${path} is closed`);
        const line = stringifyPrediction(frameRecord(p, frame));
        const out = file();
        if (!out.write(`${line}\n`)) {
          await firstEvent([
            [out, 'drain'],
            [out, 'close'],
          ]);
        }
      }),
    () => {
      closing ??= new Promise<void>((resolve) => {
        const out = stream;
        if (!out || out.closed || out.destroyed) return resolve();
        out.end(() => resolve());
        out.once('error', () => resolve());
      }).then(() => {
        if (failure) throw fail();
      });
      return closing;
    },
    () => checkWritablePath(path, 'jsonl sink'),
  );
}
