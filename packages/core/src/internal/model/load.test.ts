import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../../../testing/shared.js';
import { InferenceEngine } from '../engine.js';
import { decodeImageBytes } from '../image/decode.js';
import type { LoadOptions } from './types.js';

/** Threads this process gains while yolov8n is loaded with `session` (Linux /proc; one per worker-thread session). */
async function threadsWhileLoaded(session: LoadOptions): Promise<number> {
  const threads = () => readdirSync('/proc/self/task').length;
  const before = threads();
  const engine = new InferenceEngine({ session: { intraOpThreads: 1, ...session } });
  try {
    await engine.getModel(sharedModel('yolov8n_int8.onnx'));
    return threads() - before;
  } finally {
    await engine.dispose();
  }
}

/** Timer ticks while one lone yolov8n inference runs: a handful when it blocks the event loop, dozens when it does not. */
async function ticksDuringLoneRequest(session: LoadOptions): Promise<number> {
  const engine = new InferenceEngine({ session: { intraOpThreads: 1, ...session } });
  try {
    const model = await engine.getModel(sharedModel('yolov8n_int8.onnx'));
    const image = await decodeImageBytes(await readFile(sharedMedia('dog.jpg')));
    await model.inferDecoded([image]);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await model.inferDecoded([image]);
    clearInterval(timer);
    return ticks;
  } finally {
    await engine.dispose();
  }
}

describe.skipIf(!HAS_SHARED || process.platform !== 'linux')('session counts', () => {
  if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

  it('run a fixed count above 1 in worker threads, where they can overlap; one session stays in-thread', async () => {
    await threadsWhileLoaded({ sessions: 1 }); // the process's own first-use threads
    expect(await threadsWhileLoaded({ sessions: 1 })).toBe(0);
    // in-thread sessions could never run at the same time: onnxruntime-node blocks the calling thread
    expect(await threadsWhileLoaded({ sessions: 3 })).toBe(3);
    expect(await threadsWhileLoaded({ sessions: 3, worker: false })).toBe(0);
    // adaptive over a share of the machine: one single-thread worker session per core of the share
    // plus an in-thread all-threads one; on one core, that in-thread session alone
    expect(await threadsWhileLoaded({ sessions: 'adaptive', cores: 2 })).toBe(2);
    expect(await threadsWhileLoaded({ sessions: 'adaptive', cores: 1 })).toBe(0);
    // a lone request runs on the all-threads session, in this thread; fixed worker sessions leave it free
    expect(await ticksDuringLoneRequest({ sessions: 'adaptive', cores: 2 })).toBeLessThan(4);
    expect(await ticksDuringLoneRequest({ sessions: 2 })).toBeGreaterThan(8);
  });
});
