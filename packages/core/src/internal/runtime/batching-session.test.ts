import { describe, expect, it } from 'vitest';
import { buildOnnxModel } from '../../../../../testing/onnx-builder.js';
import { BatchingSession, hasDynamicBatch } from './batching-session.js';
import { OnnxSession } from './onnx-session.js';
import { SessionPool } from './session-pool.js';

/** y = 2x on [N, 3]: a tiny graph with a dynamic batch axis. */
const doubler = () =>
  buildOnnxModel({
    inputs: [{ name: 'x', shape: ['N', 3] }],
    outputs: [{ name: 'y', shape: ['N', 3] }],
    nodes: [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['y'] }],
    initializers: [{ name: 'two', dims: [], data: [2] }],
  });

const feed = (v: number, rows = 1) => ({
  x: {
    data: new Float32Array(3 * rows).map((_, i) => v + Math.floor(i / 3) * 100 + (i % 3) / 10),
    dims: [rows, 3],
  },
});

describe('BatchingSession', () => {
  it('stacks concurrent calls into one session call and routes each caller its own rows', async () => {
    const session = await OnnxSession.create(doubler());
    expect(hasDynamicBatch(session)).toBe(true);
    const sizes: number[] = [];
    const s = new BatchingSession(new SessionPool([session]), {
      maxBatch: 8,
      capacity: 1,
      onBatch: (n) => sizes.push(n),
    });
    // the first call runs at once; the others arrive while it runs and form one batch (one has 2 rows)
    const calls = [feed(1), feed(2), feed(3, 2), feed(4), feed(5), feed(6)];
    const outs = await Promise.all(calls.map((f) => s.run(f)));
    expect(sizes).toEqual([1, 6]);
    outs.forEach((o, i) => {
      expect(o.y.dims).toEqual(calls[i].x.dims);
      expect(Array.from(o.y.data as Float32Array)).toEqual(
        Array.from(calls[i].x.data as Float32Array, (v) => Math.fround(v) * 2),
      );
    });
    await s.dispose();
  });

  it('never exceeds maxBatch rows, and a window lets a partial batch fill', async () => {
    const sizes: number[] = [];
    const s = new BatchingSession(new SessionPool([await OnnxSession.create(doubler())]), {
      maxBatch: 3,
      capacity: 1,
      windowMs: 50,
      onBatch: (n) => sizes.push(n),
    });
    const outs = await Promise.all([1, 2, 3, 4, 5].map((v) => s.run(feed(v))));
    expect(sizes).toEqual([3, 2]);
    expect(outs.map((o) => (o.y.data as Float32Array)[0])).toEqual([2, 4, 6, 8, 10]);
    await s.dispose();
    await expect(s.run(feed(1))).rejects.toMatchObject({ code: 'CORE_ERR_DISPOSED' });
  });

  it('refuses a model whose batch axis is fixed', async () => {
    const fixed = buildOnnxModel({
      inputs: [{ name: 'x', shape: [1, 3] }],
      outputs: [{ name: 'y', shape: [1, 3] }],
      nodes: [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['y'] }],
      initializers: [{ name: 'two', dims: [], data: [2] }],
    });
    const session = await OnnxSession.create(fixed);
    expect(hasDynamicBatch(session)).toBe(false);
    expect(() => new BatchingSession(session, { maxBatch: 4, capacity: 1 })).toThrow(/symbolic batch axis/);
    await session.dispose();
  });
});
