import { describe, expect, it } from 'vitest';
import { ServerError } from '../errors.js';
import { ModelQueue, QueueSet } from './queue.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('ModelQueue', () => {
  it('admits concurrency + maxQueued requests, then refuses with 429 and Retry-After', () => {
    const q = new ModelQueue(2, 1);
    const tickets = [q.admit(), q.admit(), q.admit()];
    let err: unknown;
    try {
      q.admit();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).status).toBe(429);
    expect((err as ServerError).retryAfter).toBe(1);
    tickets[0].done();
    expect(() => q.admit()).not.toThrow();
  });

  it('runs at most `concurrency` at once and hands slots on in arrival order', async () => {
    const q = new ModelQueue(1, 5);
    const order: number[] = [];
    const tickets = [q.admit(), q.admit(), q.admit()];
    await tickets[0].slot();
    const waits = [1, 2].map((i) => tickets[i].slot().then(() => order.push(i)));
    await flush();
    expect(q.running).toBe(1);
    expect(q.waiting).toBe(2);
    expect(order).toEqual([]);
    tickets[0].done();
    await waits[0];
    expect(order).toEqual([1]);
    tickets[1].releaseSlot();
    await waits[1];
    expect(order).toEqual([1, 2]);
    tickets[1].done();
    tickets[2].done();
    expect(q.admitted).toBe(0);
    expect(q.running).toBe(0);
  });

  it('an aborted wait leaves the queue and does not take a slot later', async () => {
    const q = new ModelQueue(1, 5);
    const a = q.admit();
    const b = q.admit();
    const c = q.admit();
    await a.slot();
    const controller = new AbortController();
    const bWait = b.slot(controller.signal);
    const cWait = c.slot();
    controller.abort(new Error('deadline'));
    await expect(bWait).rejects.toThrow('deadline');
    b.done();
    a.done();
    await cWait;
    expect(q.running).toBe(1);
    c.done();
    expect(q.running).toBe(0);
  });

  it('done() is idempotent and a QueueSet drops idle queues', () => {
    const set = new QueueSet(1, 0);
    const t = set.admit('m');
    expect(() => set.admit('m')).toThrow(ServerError);
    expect(set.entries()).toHaveLength(1);
    t.done();
    t.done();
    expect(set.entries()).toHaveLength(0);
    set.admit('m').done();
  });
});
