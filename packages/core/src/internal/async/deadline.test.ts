import { describe, expect, it } from 'vitest';
import { settleWithin, untilAborted } from './deadline.js';

const never = new Promise<never>(() => undefined);

describe('settleWithin', () => {
  it('gives the value, the rejection, a timeout or an abort', async () => {
    expect(await settleWithin(Promise.resolve(3), 1000)).toEqual({ kind: 'value', value: 3 });
    await expect(settleWithin(Promise.reject(new Error('x')), 1000)).rejects.toThrow('x');
    expect(await settleWithin(never, 1)).toEqual({ kind: 'timeout' });
    const ac = new AbortController();
    const waiting = settleWithin(never, Number.POSITIVE_INFINITY, ac.signal);
    ac.abort();
    expect(await waiting).toEqual({ kind: 'aborted' });
    expect(await settleWithin(Promise.resolve(1), 1000, ac.signal)).toEqual({ kind: 'aborted' });
  });

  it('leaves no abort listener behind on a long-lived signal', async () => {
    const ac = new AbortController();
    let listeners = 0;
    const add = ac.signal.addEventListener.bind(ac.signal);
    const remove = ac.signal.removeEventListener.bind(ac.signal);
    ac.signal.addEventListener = ((...a: Parameters<typeof add>) => {
      listeners++;
      add(...a);
    }) as typeof add;
    ac.signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
      listeners--;
      remove(...a);
    }) as typeof remove;
    for (let i = 0; i < 50; i++) await settleWithin(Promise.resolve(i), 1000, ac.signal);
    await settleWithin(never, 1, ac.signal);
    expect(listeners).toBe(0);
  });

  it('swallows the later rejection of an abandoned promise', async () => {
    let fail: (e: Error) => void = () => undefined;
    const late = new Promise<never>((_, reject) => {
      fail = reject;
    });
    expect(await settleWithin(late, 1)).toEqual({ kind: 'timeout' });
    fail(new Error('late')); // an unhandled rejection here would fail the run
  });
});

describe('untilAborted', () => {
  it("rejects with the signal's reason at once, or gives the value", async () => {
    expect(await untilAborted(Promise.resolve('v'), new AbortController().signal)).toBe('v');
    const ac = new AbortController();
    const waiting = untilAborted(never, ac.signal);
    ac.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
  });
});
