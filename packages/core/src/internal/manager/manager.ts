import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { InferenceError } from '../errors.js';

/** Anything the manager can hold: it only needs to be disposable. */
export interface Disposable {
  dispose(): Promise<void>;
}

/** A load starting, finishing or failing (the server turns these into cold-start headers). */
export interface ModelLoadEvent {
  id: string;
  phase: 'start' | 'end' | 'error';
  /** Load duration in milliseconds ('end' and 'error'). */
  ms?: number;
  error?: unknown;
}

/** Other life-cycle events. */
export type ModelManagerEvent =
  | { type: 'evict'; id: string }
  | { type: 'unloaded'; id: string }
  | { type: 'dispose-error'; id: string; error: unknown };

/** Caller data handed to the load a call starts (never to loads started by others). */
export interface LoadContext {
  apiKey?: string;
}

export interface ModelManagerOptions<M extends Disposable> {
  /**
   * Loads one model; called once per id however many ask at the same time.
   * `context` is what the caller that started this load passed (e.g. its API key).
   */
  load: (id: string, context?: LoadContext) => Promise<M>;
  /** Most models kept loaded (default 8). Pinned models count but are never evicted, so pins can push the total over. */
  maxActive?: number;
  /** Ids pinned from the start. */
  pinned?: Iterable<string>;
  onLoad?: (event: ModelLoadEvent) => void;
  onEvent?: (event: ModelManagerEvent) => void;
  /** How long `clear()`/`dispose()` wait for running inferences before disposing anyway (default 30 s). */
  drainTimeoutMs?: number;
}

/**
 * A model held for the duration of one use: it is not disposed (even if
 * evicted or unloaded meanwhile) until `release()`.
 */
export interface ModelLease<M> {
  id: string;
  model: M;
  /** True when this call started or waited for the model's load. */
  coldStart: boolean;
  /** Load time in ms when `coldStart`. */
  loadMs?: number;
  /** Idempotent. */
  release(): void;
}

type State = 'loading' | 'ready' | 'draining' | 'disposed' | 'failed';

interface Entry<M> {
  id: string;
  state: State;
  promise: Promise<M>;
  model?: M;
  loadMs?: number;
  users: number;
  lastUsed: number;
  /** Evicted entries may come back if asked for again before disposal; unloaded ones do not. */
  reason?: 'evict' | 'unload';
  done: Promise<void>;
  markDone: () => void;
}

/**
 * Loads models once, keeps at most `maxActive` in an LRU, never evicts pinned
 * ones, and disposes a model only when no inference holds it. There is no
 * global lock: loading one model never delays work on another.
 *
 * @example
 * const manager = new ModelManager({ load: (id) => loadModel(id), maxActive: 4 });
 * const result = await manager.use('coco/3', (model) => model.infer(image));
 * // or, holding the model across several awaits:
 * const lease = await manager.acquire('coco/3');
 * try { await lease.model.infer(image); } finally { lease.release(); }
 * await manager.dispose();
 */
export class ModelManager<M extends Disposable> {
  readonly #load: (id: string, context?: LoadContext) => Promise<M>;
  readonly #max: number;
  readonly #drainMs: number;
  readonly #onLoad?: (e: ModelLoadEvent) => void;
  readonly #onEvent?: (e: ModelManagerEvent) => void;
  readonly #entries = new Map<string, Entry<M>>();
  /** Entries out of the LRU but not yet disposed; several may share an id (unloaded during a load, then loaded again). */
  readonly #draining = new Set<Entry<M>>();
  readonly #pinned: Set<string>;
  #clock = 0;
  #disposed = false;

  constructor(opts: ModelManagerOptions<M>) {
    const max = opts.maxActive ?? 8;
    if (!Number.isInteger(max) || max < 1) {
      throw new InferenceError(
        'CORE_ERR_INVALID_PARAMETER',
        `maxActive must be a positive integer (got ${max})`,
      );
    }
    this.#load = opts.load;
    this.#max = max;
    this.#drainMs = opts.drainTimeoutMs ?? 30_000;
    this.#onLoad = opts.onLoad;
    this.#onEvent = opts.onEvent;
    this.#pinned = new Set(opts.pinned ?? []);
  }

  /** Most models kept loaded. */
  get maxActive(): number {
    return this.#max;
  }

  /**
   * Holds the model (loading it first if needed) until `release()`.
   * Concurrent callers share one load; a failed load is not cached.
   */
  async acquire(id: string, context?: LoadContext): Promise<ModelLease<M>> {
    if (this.#disposed) throw new InferenceError('CORE_ERR_DISPOSED', 'the model manager was disposed');
    let e = this.#entries.get(id);
    if (!e) {
      const d = [...this.#draining].find(
        (x) => x.id === id && x.reason === 'evict' && x.state === 'draining' && x.model,
      );
      if (d) {
        // Still in use after eviction: take it back instead of loading a second copy.
        this.#draining.delete(d);
        this.#entries.set(id, d);
        d.state = 'ready';
        d.reason = undefined;
        e = d;
      }
    }
    const cold = !e || e.state === 'loading';
    if (!e) e = this.#startLoad(id, context);
    const entry = e;
    entry.users++;
    let model: M;
    try {
      model = await entry.promise;
    } catch (err) {
      entry.users--;
      throw err;
    }
    entry.lastUsed = ++this.#clock;
    let released = false;
    const lease: ModelLease<M> = {
      id,
      model,
      coldStart: cold,
      release: () => {
        if (released) return;
        released = true;
        entry.users--;
        if (entry.users === 0 && entry.state === 'draining') this.#finalize(entry);
      },
    };
    if (cold && entry.loadMs !== undefined) lease.loadMs = entry.loadMs;
    // A model taken back from eviction may put us over capacity; never evict the one just handed out.
    this.#evict(entry);
    return lease;
  }

  /** Runs `fn` with the model held, releasing it afterwards. */
  async use<T>(id: string, fn: (model: M) => Promise<T> | T): Promise<T> {
    const lease = await this.acquire(id);
    try {
      return await fn(lease.model);
    } finally {
      lease.release();
    }
  }

  /**
   * The loaded model (loading it once if needed). It is not held: prefer
   * `use`/`acquire` when the model must survive an eviction during use.
   */
  async get(id: string, context?: LoadContext): Promise<M> {
    const lease = await this.acquire(id, context);
    lease.release();
    if (!this.#entries.has(id)) {
      throw new InferenceError('CORE_ERR_MODEL_NOT_LOADED', `model ${id} was unloaded while loading`);
    }
    return lease.model;
  }

  /** Never evict this id (it may be pinned before it is loaded). */
  pin(id: string): void {
    this.#pinned.add(id);
  }

  /** Make this id evictable again; evicts at once if over capacity. */
  unpin(id: string): void {
    this.#pinned.delete(id);
    this.#evict();
  }

  isPinned(id: string): boolean {
    return this.#pinned.has(id);
  }

  /** True when the model is loaded and not being unloaded. */
  has(id: string): boolean {
    return this.#entries.get(id)?.state === 'ready';
  }

  isLoading(id: string): boolean {
    return this.#entries.get(id)?.state === 'loading';
  }

  /** Loaded ids, most recently used first. */
  list(): string[] {
    return this.#ready().map((e) => e.id);
  }

  /** Loaded models, most recently used first. */
  loaded(): M[] {
    return this.#ready().map((e) => e.model as M);
  }

  /**
   * Unloads one model: it leaves the LRU at once and is disposed when the
   * last inference on it releases it (or its load finishes). Unknown ids are ignored.
   */
  async unload(id: string): Promise<void> {
    const all = [this.#entries.get(id), ...[...this.#draining].filter((x) => x.id === id)].filter(
      (x): x is Entry<M> => x !== undefined,
    );
    for (const e of all) this.#retire(e, 'unload');
    await Promise.all(all.map((e) => e.done));
  }

  /** Unloads everything, waiting up to `drainTimeoutMs` for running inferences, then disposing anyway. */
  async clear(): Promise<void> {
    const all = [...this.#entries.values(), ...this.#draining];
    for (const e of all) this.#retire(e, 'unload');
    const drained = Promise.all(all.map((e) => e.done));
    const timer = sleep(this.#drainMs, 'timeout' as const, { ref: false });
    if ((await Promise.race([drained.then(() => 'ok' as const), timer])) === 'timeout') {
      for (const e of all) if (e.state === 'draining' && e.model) this.#finalize(e);
      // Loads still running are disposed by their completion handler.
    }
  }

  /** Unloads everything; later calls to `acquire`/`get`/`use` throw CORE_ERR_DISPOSED. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.clear();
  }

  #ready(): Entry<M>[] {
    return [...this.#entries.values()]
      .filter((e) => e.state === 'ready')
      .sort((a, b) => b.lastUsed - a.lastUsed);
  }

  #startLoad(id: string, context?: LoadContext): Entry<M> {
    let markDone!: () => void;
    const done = new Promise<void>((r) => {
      markDone = r;
    });
    const t0 = performance.now();
    this.#safe(() => this.#onLoad?.({ id, phase: 'start' }));
    const entry: Entry<M> = {
      id,
      state: 'loading',
      // Deferred a tick so that a synchronous throw in the loader becomes a rejection.
      promise: Promise.resolve().then(() => this.#load(id, context)),
      users: 0,
      lastUsed: ++this.#clock,
      done,
      markDone,
    };
    this.#entries.set(id, entry);
    entry.promise.then(
      (model) => {
        entry.model = model;
        entry.loadMs = performance.now() - t0;
        entry.lastUsed = ++this.#clock;
        this.#safe(() => this.#onLoad?.({ id, phase: 'end', ms: entry.loadMs }));
        if (entry.state === 'loading') {
          entry.state = 'ready';
          this.#evict(entry);
        } else if (entry.state === 'draining' && entry.users === 0) {
          this.#finalize(entry);
        }
      },
      (error) => {
        this.#safe(() => this.#onLoad?.({ id, phase: 'error', ms: performance.now() - t0, error }));
        if (this.#entries.get(id) === entry) this.#entries.delete(id);
        this.#draining.delete(entry);
        entry.state = 'failed';
        entry.markDone();
      },
    );
    return entry;
  }

  /** Takes an entry out of the LRU; disposes it now if nobody holds it. */
  #retire(e: Entry<M>, reason: 'evict' | 'unload'): void {
    if (e.state === 'disposed' || e.state === 'failed') return;
    if (this.#entries.get(e.id) === e) this.#entries.delete(e.id);
    if (e.state === 'draining') {
      if (reason === 'unload') e.reason = 'unload';
      return;
    }
    const wasLoading = e.state === 'loading';
    e.state = 'draining';
    e.reason = reason;
    this.#draining.add(e);
    if (reason === 'evict') this.#safe(() => this.#onEvent?.({ type: 'evict', id: e.id }));
    if (!wasLoading && e.users === 0) this.#finalize(e);
  }

  /**
   * Evicts least recently used, unpinned, loaded models while over capacity.
   * `keep` (the model just loaded or handed out) is never the victim, so when
   * everything else is pinned the manager holds one model more than `maxActive`.
   */
  #evict(keep?: Entry<M>): void {
    for (;;) {
      const ready = this.#ready();
      if (ready.length <= this.#max) return;
      const victim = ready.reverse().find((e) => e !== keep && !this.#pinned.has(e.id));
      if (!victim) return; // everything else is pinned: allowed to exceed
      this.#retire(victim, 'evict');
    }
  }

  #finalize(e: Entry<M>): void {
    if (e.state === 'disposed') return;
    e.state = 'disposed';
    this.#draining.delete(e);
    const model = e.model;
    e.model = undefined;
    Promise.resolve()
      .then(() => model?.dispose())
      .catch((error: unknown) =>
        this.#safe(() => this.#onEvent?.({ type: 'dispose-error', id: e.id, error })),
      )
      .finally(() => {
        this.#safe(() => this.#onEvent?.({ type: 'unloaded', id: e.id }));
        e.markDone();
      });
  }

  /** Listener errors must not break the manager. */
  #safe(fn: () => void): void {
    try {
      fn();
    } catch {
      // ignored on purpose
    }
  }
}
