import { describe, expect, it } from 'vitest';
import { ServerError } from '../errors.js';
import { PixelBudget } from './pixel-budget.js';

const flush = () => new Promise((r) => setImmediate(r));

async function refusal(p: Promise<unknown>): Promise<ServerError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ServerError);
  return e as ServerError;
}

describe('PixelBudget', () => {
  it('refuses at once, with 413, a request that could never fit', async () => {
    const b = new PixelBudget(1000, 60_000);
    const e = await refusal(b.acquire(1001));
    expect([e.code, e.status]).toEqual(['SERVER_ERR_PIXELS_TOO_MANY', 413]);
    expect(e.message).toMatch(/1001 pixels.*at most 1000.*MAX_DECODED_PIXELS/);
    expect(b.inUse).toBe(0);
  });

  it('grants while there is room and makes the rest wait until pixels are released', async () => {
    const b = new PixelBudget(1000, 60_000);
    const first = await b.acquire(600);
    let second: (() => void) | undefined;
    void b.acquire(600).then((r) => {
      second = r;
    });
    await flush();
    expect([b.inUse, b.waiting, second]).toEqual([600, 1, undefined]);
    first();
    first(); // idempotent: releasing twice frees the pixels once
    await flush();
    expect([b.inUse, b.waiting]).toEqual([600, 0]);
    second?.();
    expect(b.inUse).toBe(0);
  });

  it('grants in arrival order: a small request does not overtake a waiting large one', async () => {
    const b = new PixelBudget(1000, 60_000);
    const held = await b.acquire(500);
    const order: string[] = [];
    const large = b.acquire(900).then((r) => {
      order.push('large');
      return r;
    });
    const small = b.acquire(100).then((r) => {
      order.push('small');
      return r;
    });
    await flush();
    // 500 + 100 would fit, but the large request came first
    expect([b.inUse, b.waiting, order]).toEqual([500, 2, []]);
    held();
    const releases = await Promise.all([large, small]);
    expect(order).toEqual(['large', 'small']);
    for (const r of releases) r();
    expect(b.inUse).toBe(0);
  });

  it('answers 503 with Retry-After when no room frees within waitMs', async () => {
    const b = new PixelBudget(1000, 0);
    const held = await b.acquire(1000);
    const e = await refusal(b.acquire(1));
    expect([e.code, e.status, e.retryAfter]).toEqual(['SERVER_ERR_PIXEL_BUDGET_BUSY', 503, 1]);
    expect(b.waiting).toBe(0);
    held();
  });

  it('a waiter that aborts leaves the line, and the next one behind it gets in', async () => {
    const b = new PixelBudget(1000, 60_000);
    const held = await b.acquire(400);
    const ac = new AbortController();
    const big = b.acquire(700, ac.signal);
    const next = b.acquire(500);
    await flush();
    expect(b.waiting).toBe(2);
    ac.abort(new Error('client gone'));
    await expect(big).rejects.toThrow('client gone');
    (await next)();
    held();
    expect([b.inUse, b.waiting]).toEqual([0, 0]);
  });
});
