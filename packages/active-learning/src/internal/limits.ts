import type Database from 'better-sqlite3';
import type { StrategyLimit } from './config.js';
import { windowKeys } from './windows.js';

/**
 * Per-strategy usage counters in the state database (§3.5 semantics): keys
 * `{workspace}:{project}:{strategy}:{infix}`; a strategy is out of credit when
 * any configured window has `usage >= value`; consuming increments all three
 * windows; returning decrements them (floor 0). Check and consume run in one
 * IMMEDIATE transaction, which is the lock across processes sharing the file.
 */
export class LimitsStore {
  readonly #db: Database.Database;
  readonly #get: Database.Statement<[string, number], { usage: number }>;
  readonly #bump: Database.Statement<[string, number, number, number]>;
  readonly #dec: Database.Statement<[string, number]>;
  readonly #purge: Database.Statement<[number]>;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#get = db.prepare('SELECT usage FROM usage WHERE key = ? AND expires_at > ?');
    this.#bump = db.prepare(
      `INSERT INTO usage (key, usage, expires_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET usage = CASE WHEN usage.expires_at > ? THEN usage.usage + 1 ELSE 1 END,
       expires_at = excluded.expires_at`,
    );
    this.#dec = db.prepare('UPDATE usage SET usage = MAX(0, usage - 1) WHERE key = ? AND expires_at > ?');
    this.#purge = db.prepare('DELETE FROM usage WHERE expires_at <= ?');
  }

  static key(workspace: string, project: string, strategy: string, infix: string): string {
    return `${workspace}:${project}:${strategy}:${infix}`;
  }

  /** Usage of every window of a strategy at `now`. */
  usage(workspace: string, project: string, strategy: string, now: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of windowKeys(now)) {
      out[k.window] = this.#get.get(LimitsStore.key(workspace, project, strategy, k.infix), now)?.usage ?? 0;
    }
    return out;
  }

  hasCredit(
    workspace: string,
    project: string,
    strategy: string,
    limits: readonly StrategyLimit[],
    now: number,
  ): boolean {
    if (limits.length === 0) return true;
    const u = this.usage(workspace, project, strategy, now);
    return limits.every((l) => (u[l.type] ?? 0) < l.value);
  }

  /**
   * The first strategy (in the given order) with spare credit, consumed in
   * the same transaction; undefined when every one is limited.
   */
  takeFirst<S extends { name: string; limits: readonly StrategyLimit[] }>(
    workspace: string,
    project: string,
    candidates: readonly S[],
    now: number,
    alsoCheck?: () => boolean,
  ): S | undefined {
    const tx = this.#db.transaction(() => {
      if (alsoCheck && !alsoCheck()) return undefined;
      const winner = candidates.find((s) => this.hasCredit(workspace, project, s.name, s.limits, now));
      if (winner) this.consume(workspace, project, winner.name, now);
      return winner;
    });
    return tx.immediate();
  }

  consume(workspace: string, project: string, strategy: string, now: number): void {
    for (const k of windowKeys(now)) {
      this.#bump.run(LimitsStore.key(workspace, project, strategy, k.infix), 1, k.expiresAt, now);
    }
  }

  /** Gives one credit back in the windows of `now` (Roboflow's naive return). */
  giveBack(workspace: string, project: string, strategy: string, now: number): void {
    if (!this.#db.open) return;
    for (const k of windowKeys(now))
      this.#dec.run(LimitsStore.key(workspace, project, strategy, k.infix), now);
  }

  purge(now: number): void {
    this.#purge.run(now);
  }

  /** Every live counter: `{ key, usage }`, for status. */
  all(now: number): { key: string; usage: number }[] {
    return this.#db.prepare('SELECT key, usage FROM usage WHERE expires_at > ? ORDER BY key').all(now) as {
      key: string;
      usage: number;
    }[];
  }
}
