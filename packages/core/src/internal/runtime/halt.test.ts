import { describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import { haltInferenceForExit, OnnxSession } from './onnx-session.js';

const model = () =>
  constantOutputModel({ name: 'x', shape: [1, 3, 4, 4] }, { y: { dims: [1, 2], data: [1, 2] } });
const feeds = () => ({ x: { data: new Float32Array(48), dims: [1, 3, 4, 4] } });

// Own file: halting is process-wide and cannot be undone.
describe('haltInferenceForExit', () => {
  it('waits for the worker run in flight, then refuses runs and loads', async () => {
    const worker = await OnnxSession.create(model(), { worker: true, intraOpThreads: 1 });
    const main = await OnnxSession.create(model(), { intraOpThreads: 1 });
    let settled = false;
    const running = worker.run(feeds()).finally(() => {
      settled = true;
    });
    await haltInferenceForExit();
    // the run that was already inside the worker finished (it cannot be interrupted), nothing is left in flight
    expect(settled).toBe(true);
    expect(Array.from((await running).y.data as Float32Array)).toEqual([1, 2]);
    await expect(worker.run(feeds())).rejects.toMatchObject({ code: 'CORE_ERR_DISPOSED' });
    await expect(main.run(feeds())).rejects.toMatchObject({ code: 'CORE_ERR_DISPOSED' });
    await expect(OnnxSession.create(model(), { worker: true })).rejects.toMatchObject({
      code: 'CORE_ERR_DISPOSED',
    });
    await worker.dispose();
    await main.dispose();
  });
});
