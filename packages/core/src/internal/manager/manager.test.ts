import { describe, expect, it } from 'vitest';
import { type ModelLoadEvent, ModelManager, type ModelManagerEvent } from './manager.js';

class FakeModel {
  disposed = false;
  constructor(readonly id: string) {}
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/** A loader whose loads finish when the test says so. */
function harness(opts: { maxActive?: number; failFor?: string[]; manual?: boolean } = {}) {
  const loads: string[] = [];
  const gates = new Map<string, () => void>();
  const models = new Map<string, FakeModel[]>();
  const loadEvents: ModelLoadEvent[] = [];
  const events: ModelManagerEvent[] = [];
  const manager = new ModelManager<FakeModel>({
    maxActive: opts.maxActive ?? 2,
    load: async (id) => {
      loads.push(id);
      if (opts.manual) await new Promise<void>((r) => gates.set(id, r));
      if (opts.failFor?.includes(id)) throw new Error(`cannot load ${id}`);
      const m = new FakeModel(id);
      models.set(id, [...(models.get(id) ?? []), m]);
      return m;
    },
    onLoad: (e) => loadEvents.push(e),
    onEvent: (e) => events.push(e),
  });
  const open = async (id: string) => {
    while (!gates.has(id)) await new Promise((r) => setImmediate(r));
    gates.get(id)?.();
    gates.delete(id);
  };
  return { manager, loads, models, loadEvents, events, open };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ModelManager', () => {
  it('loads once however many ask concurrently', async () => {
    const h = harness({ manual: true });
    const waiting = Promise.all([h.manager.get('a'), h.manager.get('a'), h.manager.acquire('a')]);
    await tick();
    expect(h.manager.isLoading('a')).toBe(true);
    expect(h.manager.has('a')).toBe(false);
    await h.open('a');
    const [m1, m2, lease] = await waiting;
    expect(h.loads).toEqual(['a']);
    expect(m1).toBe(m2);
    expect(lease.model).toBe(m1);
    expect(lease.coldStart).toBe(true);
    expect(lease.loadMs).toBeGreaterThanOrEqual(0);
    lease.release();
    expect(h.manager.has('a')).toBe(true);
    expect(h.loadEvents.map((e) => e.phase)).toEqual(['start', 'end']);
    const warm = await h.manager.acquire('a');
    expect(warm.coldStart).toBe(false);
    expect(warm.loadMs).toBeUndefined();
    warm.release();
  });

  it('evicts the least recently used model after a new one loads', async () => {
    const h = harness({ maxActive: 2 });
    const a = await h.manager.get('a');
    await h.manager.get('b');
    await h.manager.get('a'); // a is now more recent than b
    await h.manager.get('c');
    await tick();
    expect(h.manager.list()).toEqual(['c', 'a']);
    expect(h.models.get('b')?.[0].disposed).toBe(true);
    expect(a.disposed).toBe(false);
    expect(h.events).toContainEqual({ type: 'evict', id: 'b' });
  });

  it('never evicts pinned models, and evicts on unpin when over capacity', async () => {
    const h = harness({ maxActive: 1 });
    h.manager.pin('a');
    await h.manager.get('a');
    await h.manager.get('b');
    await tick();
    // a is pinned and b was just loaded: neither is evicted, the pin pushes the total over
    expect(h.manager.list()).toEqual(['b', 'a']);
    await h.manager.get('c');
    await tick();
    expect(h.manager.list()).toEqual(['c', 'a']);
    expect(h.models.get('b')?.[0].disposed).toBe(true);
    expect(h.manager.isPinned('a')).toBe(true);
    h.manager.unpin('a');
    await tick();
    expect(h.manager.list()).toEqual(['c']);
    expect(h.models.get('a')?.[0].disposed).toBe(true);
  });

  it('eviction waits for in-flight use before disposing', async () => {
    const h = harness({ maxActive: 1 });
    const lease = await h.manager.acquire('a');
    await h.manager.get('b'); // evicts a while it is in use
    await tick();
    expect(h.manager.has('a')).toBe(false);
    expect(lease.model.disposed).toBe(false);
    lease.release();
    lease.release(); // idempotent
    await tick();
    expect(lease.model.disposed).toBe(true);
    expect(h.events).toContainEqual({ type: 'unloaded', id: 'a' });
  });

  it('an evicted model still in use is taken back instead of loaded twice', async () => {
    const h = harness({ maxActive: 1 });
    const lease = await h.manager.acquire('a');
    await h.manager.get('b');
    const again = await h.manager.acquire('a');
    expect(again.model).toBe(lease.model);
    expect(h.loads).toEqual(['a', 'b']);
    expect(h.manager.list()).toEqual(['a']);
    lease.release();
    again.release();
    await tick();
    expect(lease.model.disposed).toBe(false);
  });

  it('use() holds the model during fn', async () => {
    const h = harness({ maxActive: 1 });
    const seen = await h.manager.use('a', async (m) => {
      await h.manager.get('b');
      await tick();
      return m.disposed;
    });
    expect(seen).toBe(false);
    await tick();
    expect(h.models.get('a')?.[0].disposed).toBe(true);
  });

  it('unload waits for in-flight use and is a no-op for unknown ids', async () => {
    const h = harness();
    const lease = await h.manager.acquire('a');
    let unloaded = false;
    const p = h.manager.unload('a').then(() => {
      unloaded = true;
    });
    await tick();
    expect(unloaded).toBe(false);
    expect(h.manager.has('a')).toBe(false);
    lease.release();
    await p;
    expect(lease.model.disposed).toBe(true);
    await h.manager.unload('never-loaded');
    // an unloaded model is loaded afresh when asked again
    const m = await h.manager.get('a');
    expect(m).not.toBe(lease.model);
    expect(h.loads).toEqual(['a', 'a']);
  });

  it('unload during a load disposes the model when the load ends', async () => {
    const h = harness({ manual: true });
    const waiter = h.manager.get('a');
    await tick();
    const unloaded = h.manager.unload('a');
    await h.open('a');
    await unloaded;
    await expect(waiter).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_NOT_LOADED' });
    expect(h.models.get('a')?.[0].disposed).toBe(true);
  });

  it('a failed load reaches every waiter and is retried next time', async () => {
    const h = harness({ failFor: ['bad'] });
    const results = await Promise.allSettled([h.manager.get('bad'), h.manager.get('bad')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(h.loads).toEqual(['bad']);
    expect(h.loadEvents.map((e) => e.phase)).toEqual(['start', 'error']);
    expect(h.manager.has('bad')).toBe(false);
    await expect(h.manager.get('bad')).rejects.toThrow(/cannot load bad/);
    expect(h.loads).toEqual(['bad', 'bad']);
  });

  it('loading one model does not block using another', async () => {
    const h = harness({ manual: true });
    const pa = h.manager.get('a');
    await h.open('a');
    await pa;
    const pb = h.manager.get('b'); // stays loading
    await tick();
    expect(h.manager.isLoading('b')).toBe(true);
    await expect(h.manager.use('a', (m) => m.id)).resolves.toBe('a');
    await h.open('b');
    await pb;
  });

  it('clear() unloads all; dispose() refuses further use', async () => {
    const h = harness({ maxActive: 3 });
    const a = await h.manager.get('a');
    const b = await h.manager.get('b');
    await h.manager.clear();
    expect([a.disposed, b.disposed]).toEqual([true, true]);
    expect(h.manager.list()).toEqual([]);
    await h.manager.get('a');
    await h.manager.dispose();
    expect(h.manager.loaded()).toEqual([]);
    await expect(h.manager.get('a')).rejects.toMatchObject({ code: 'CORE_ERR_DISPOSED' });
  });

  it('clear() disposes held models after the drain timeout', async () => {
    const m = new ModelManager<FakeModel>({ load: async (id) => new FakeModel(id), drainTimeoutMs: 20 });
    const lease = await m.acquire('a');
    await m.clear();
    expect(lease.model.disposed).toBe(true);
  });

  it('reports dispose errors as events and refuses a bad maxActive', async () => {
    const events: ModelManagerEvent[] = [];
    const m = new ModelManager({
      load: async () => ({
        dispose: async () => {
          throw new Error('boom');
        },
      }),
      onEvent: (e) => events.push(e),
    });
    await m.get('x');
    await m.unload('x');
    expect(events.map((e) => e.type)).toEqual(['dispose-error', 'unloaded']);
    expect(() => new ModelManager({ load: async () => new FakeModel('x'), maxActive: 0 })).toThrow(
      /maxActive/,
    );
  });
});

describe('ModelManager churn', () => {
  it('an id unloaded while loading and loaded again keeps both copies tracked until clear()', async () => {
    const gates: (() => void)[] = [];
    const made: FakeModel[] = [];
    const manager = new ModelManager<FakeModel>({
      maxActive: 4,
      load: async (id) => {
        await new Promise<void>((r) => gates.push(r));
        const m = new FakeModel(id);
        made.push(m);
        return m;
      },
    });
    const first = manager.get('a').catch(() => undefined); // this load gets unloaded
    await tick();
    void manager.unload('a'); // out of the LRU while still loading
    const second = manager.get('a'); // a new load of the same id
    await tick();
    gates[1](); // the second load lands first and is kept
    const kept = await second;
    void manager.unload('a'); // now the second copy drains too, while the first is still loading
    await tick();
    expect(kept.disposed).toBe(true);
    let cleared = false;
    const clearing = manager.clear().then(() => {
      cleared = true;
    });
    await tick();
    expect(cleared).toBe(false); // clear() waits for the first copy too
    gates[0](); // the first load lands: it must still be disposed, not forgotten
    await Promise.all([first, clearing]);
    await tick();
    expect(made).toHaveLength(2);
    expect(made.every((m) => m.disposed)).toBe(true);
  });
});
