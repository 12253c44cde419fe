import { readFile } from 'node:fs/promises';
import type { ActiveLearningCounters } from './counters.js';
import { ActiveLearningError } from './errors.js';
import type { Outbox, OutboxItem } from './outbox.js';
import { FolderTarget, parseTargetSpec } from './targets/folder.js';
import { RoboflowTarget } from './targets/roboflow.js';
import type { ActiveLearningTarget } from './targets/types.js';

export interface DeliveryOptions {
  /** First retry delay (default 1 s); doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number;
  /** Longest retry delay (default 5 min). */
  maxDelayMs?: number;
  /** Items delivered at once (default 4). */
  concurrency?: number;
  /** How long one attempt owns an item before another worker may take it (default 2 min). */
  leaseMs?: number;
  /** How often the outbox is looked at for work other processes queued (default 5 s). */
  pollMs?: number;
  /** How long `stop` waits for attempts in flight (default 5 s); a later restart retries them. */
  stopTimeoutMs?: number;
}

export interface DeliveryHooks {
  now: () => number;
  counters: ActiveLearningCounters;
  /** Returns a strategy's credit (a genuine duplicate). */
  giveBack(workspace: string, project: string, strategy: string, now: number): void | Promise<void>;
  bump(name: keyof ActiveLearningCounters): void;
  onError(item: OutboxItem, err: Error): void;
  /** Target for a spec, overridable (tests inject slow or failing ones). */
  targetFor?: (spec: string) => ActiveLearningTarget | undefined;
}

/** Retry delay after `attempts` failed attempts: base·2^(n-1), capped, with ±20 % jitter. */
export function backoffMs(attempts: number, base: number, max: number, jitter = Math.random()): number {
  const d = Math.min(max, base * 2 ** Math.max(0, attempts - 1));
  return Math.round(d * (0.8 + 0.4 * jitter));
}

/**
 * Drains the outbox into targets: claims due items (a lease, so two
 * processes never send the same item at once), sends them, deletes them on
 * success, and reschedules with exponential back-off while the target is
 * unavailable. A final refusal marks the item dead (kept, never dropped).
 */
export class Deliverer {
  readonly #outbox: Outbox;
  readonly #hooks: DeliveryHooks;
  readonly #opts: Required<DeliveryOptions>;
  readonly #targets = new Map<string, ActiveLearningTarget>();
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = false;
  #pass: Promise<void> | undefined;
  #again = false;

  constructor(outbox: Outbox, hooks: DeliveryHooks, opts: DeliveryOptions = {}) {
    this.#outbox = outbox;
    this.#hooks = hooks;
    this.#opts = {
      baseDelayMs: opts.baseDelayMs ?? 1000,
      maxDelayMs: opts.maxDelayMs ?? 300_000,
      concurrency: Math.max(1, opts.concurrency ?? 4),
      leaseMs: opts.leaseMs ?? 120_000,
      pollMs: opts.pollMs ?? 5000,
      stopTimeoutMs: opts.stopTimeoutMs ?? 5000,
    };
  }

  target(spec: string): ActiveLearningTarget {
    const injected = this.#hooks.targetFor?.(spec);
    if (injected) return injected;
    let t = this.#targets.get(spec);
    if (!t) {
      const p = parseTargetSpec(spec);
      t = p.kind === 'roboflow' ? new RoboflowTarget() : new FolderTarget(p.path);
      this.#targets.set(spec, t);
    }
    return t;
  }

  /** Starts the background loop (idempotent). */
  start(): void {
    if (this.#running || this.#stopped) return;
    this.#running = true;
    this.kick();
  }

  /** Looks for work now (after an enqueue). */
  kick(): void {
    if (!this.#running || this.#stopped) return;
    if (this.#pass) {
      this.#again = true;
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pass = this.#drain(false).finally(() => {
      this.#pass = undefined;
      if (this.#again) {
        this.#again = false;
        this.kick();
      } else this.#schedule();
    });
  }

  #schedule(): void {
    if (!this.#running || this.#stopped) return;
    const next = this.#outbox.stats().nextAt;
    const wait =
      next === undefined
        ? this.#opts.pollMs
        : Math.min(this.#opts.pollMs, Math.max(0, next - this.#hooks.now()));
    this.#timer = setTimeout(() => this.kick(), wait);
    this.#timer.unref();
  }

  /**
   * Sends due items, `concurrency` at a time, until none is due. With
   * `ignoreSchedule`, every pending item is tried once regardless of its
   * back-off (flush). Returns when this pass is done.
   */
  async #drain(ignoreSchedule: boolean): Promise<void> {
    const tried = new Set<number>();
    this.#outbox.releaseDeadLeases(this.#hooks.now());
    for (;;) {
      if (this.#stopped) return;
      const batch = this.#outbox
        .due(this.#hooks.now(), this.#opts.concurrency * 2, ignoreSchedule)
        .filter((i) => !tried.has(i.id));
      if (batch.length === 0) return;
      const queue = [...batch];
      const worker = async () => {
        for (let item = queue.shift(); item && !this.#stopped; item = queue.shift()) {
          tried.add(item.id);
          await this.#deliverOne(item);
        }
      };
      const workers = Array.from({ length: Math.min(this.#opts.concurrency, queue.length) }, worker);
      const all = Promise.all(workers).then(() => undefined);
      this.#inFlight.add(all);
      await all.finally(() => this.#inFlight.delete(all));
    }
  }

  /** One pass over every pending item, ignoring back-off; resolves when done. */
  async flushOnce(): Promise<void> {
    while (this.#pass) await this.#pass;
    const p = this.#drain(true);
    this.#pass = p;
    try {
      await p;
    } finally {
      this.#pass = undefined;
      this.#schedule();
    }
  }

  async #deliverOne(item: OutboxItem): Promise<void> {
    const h = this.#hooks;
    const before = this.#outbox.claim(item.id, h.now(), this.#opts.leaseMs);
    if (before === undefined) return;
    if (before > 0) h.bump('retried');
    try {
      const jpeg = await readFile(this.#outbox.imagePath(item));
      const target = this.target(item.target);
      const outcome = await target.deliver(item, jpeg, {
        firstAttempt: before === 0 && item.uploadedId === undefined,
        onUploaded: (id) => {
          this.#outbox.setUploaded(item.id, id);
          item.uploadedId = id;
        },
        onWarning: (err) => h.onError(item, err),
      });
      const unlinking = this.#outbox.remove(item);
      h.bump('delivered');
      if (outcome === 'duplicate') {
        h.bump('duplicates');
        await h.giveBack(item.workspace, item.project, item.strategy, h.now());
      }
      await unlinking;
    } catch (err) {
      const e = err as Error;
      h.bump('failed');
      h.onError(item, e);
      const transient =
        (e as ActiveLearningError).code === 'AL_ERR_TARGET_UNAVAILABLE' ||
        !(e instanceof ActiveLearningError);
      if (transient && !this.#stopped) {
        const at = h.now() + backoffMs(before + 1, this.#opts.baseDelayMs, this.#opts.maxDelayMs);
        this.#outbox.fail(item.id, e.message, at);
      } else if (transient) {
        this.#outbox.fail(item.id, e.message, h.now());
      } else {
        h.bump('dead');
        this.#outbox.fail(item.id, e.message, 'dead');
      }
    }
  }

  /** Stops the loop; attempts in flight finish (their outcome is recorded). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise((r) => {
        timer = setTimeout(r, this.#opts.stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await Promise.allSettled([...this.#targets.values()].map((t) => t.close?.()));
  }
}
