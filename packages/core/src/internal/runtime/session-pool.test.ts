import { describe, expect, it } from 'vitest';
import { SessionPool } from './session-pool.js';
import type { InferenceSession, TensorData } from './types.js';

/** A fake session that records how many runs overlap and finishes when told to. */
function fakeSession(log: { active: number; peak: number; order: number[] }): InferenceSession {
  return {
    inputs: [{ name: 'x', type: 'float32', shape: [1] }],
    outputs: [{ name: 'y', type: 'float32', shape: [1] }],
    providers: ['cpu'],
    async run(feeds: Record<string, TensorData>) {
      log.active++;
      log.peak = Math.max(log.peak, log.active);
      await new Promise((r) => setTimeout(r, 5));
      log.order.push((feeds.x.data as Float32Array)[0]);
      log.active--;
      return { y: feeds.x };
    },
    async dispose() {},
  };
}

const feed = (v: number) => ({ x: { data: new Float32Array([v]), dims: [1] } });

describe('SessionPool', () => {
  it('runs at most one inference per session and serves waiters in order', async () => {
    const log = { active: 0, peak: 0, order: [] as number[] };
    const pool = new SessionPool([fakeSession(log), fakeSession(log)]);
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((v) => pool.run(feed(v))));
    expect(log.peak).toBe(2);
    expect(results.map((r) => (r.y.data as Float32Array)[0])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(pool.busy).toBe(0);
  });

  it('a pool of one serialises concurrent callers', async () => {
    const log = { active: 0, peak: 0, order: [] as number[] };
    const pool = new SessionPool([fakeSession(log)]);
    await Promise.all([1, 2, 3].map((v) => pool.run(feed(v))));
    expect(log.peak).toBe(1);
    expect(log.order).toEqual([1, 2, 3]);
  });

  it('dispose rejects callers still waiting', async () => {
    const log = { active: 0, peak: 0, order: [] as number[] };
    const pool = new SessionPool([fakeSession(log)]);
    const first = pool.run(feed(1));
    const waiting = pool.run(feed(2));
    expect(pool.queued).toBe(1);
    let disposed = false;
    const disposing = pool.dispose().then(() => {
      disposed = true;
    });
    await expect(waiting).rejects.toMatchObject({ code: 'CORE_ERR_DISPOSED' });
    expect(disposed).toBe(false); // the running inference is not cut off
    await first;
    await disposing;
    await expect(pool.run(feed(3))).rejects.toMatchObject({ code: 'CORE_ERR_DISPOSED' });
  });
});

describe('SessionPool with a latency session', () => {
  it('serves a lone caller with the latency session and concurrent callers with the throughput sessions', async () => {
    const used: string[] = [];
    const named = (name: string): InferenceSession => ({
      ...fakeSession({ active: 0, peak: 0, order: [] }),
      async run(feeds: Record<string, TensorData>) {
        used.push(name);
        await new Promise((r) => setTimeout(r, 5));
        return { y: feeds.x };
      },
    });
    const pool = new SessionPool([named('slim-a'), named('slim-b')], named('fast'));
    await pool.run(feed(1));
    expect(used).toEqual(['fast']);
    used.length = 0;
    await Promise.all([1, 2, 3].map((v) => pool.run(feed(v))));
    // the first gets the idle pool's latency session; the others, arriving while it runs, the slim ones
    expect(used.sort()).toEqual(['fast', 'slim-a', 'slim-b']);
    used.length = 0;
    await Promise.all([1, 2, 3, 4, 5].map((v) => pool.run(feed(v))));
    expect(used.filter((n) => n === 'fast')).toHaveLength(1);
    await pool.dispose();
  });
});
