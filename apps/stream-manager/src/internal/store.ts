import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { PipelineSpec } from './payload.js';
import { openDatabase } from './sqlite.js';
import type { JsonObject } from './validate.js';

/** A pipeline the manager should be running. */
export interface DesiredPipeline {
  id: string;
  spec: PipelineSpec;
  /** The workflow actually run (inline, or fetched by name), so a restart needs no API call. */
  workflow: JsonObject | null;
  muted: boolean;
  createdAt: number;
}

/**
 * The desired state in SQLite (`<stateDir>/stream-manager.db`, WAL): which pipelines
 * run, with what payload. The payload may hold an API key, so the folder is created
 * 0700 and the database files 0600 (owner only).
 */
export class DesiredStateStore {
  readonly path: string;
  readonly #db: Database.Database;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.path = join(stateDir, 'stream-manager.db');
    if (!existsSync(this.path)) closeSync(openSync(this.path, 'a', 0o600));
    chmodSync(this.path, 0o600);
    this.#db = openDatabase(this.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(this.path + suffix)) chmodSync(this.path + suffix, 0o600);
    }
    this.#db.exec(`CREATE TABLE IF NOT EXISTS pipelines (
      id TEXT PRIMARY KEY,
      spec TEXT NOT NULL,
      workflow TEXT,
      muted INTEGER NOT NULL DEFAULT 0,
      created_at INTEGER NOT NULL
    )`);
  }

  put(p: DesiredPipeline): void {
    this.#db
      .prepare(
        'INSERT OR REPLACE INTO pipelines (id, spec, workflow, muted, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        p.id,
        JSON.stringify(p.spec),
        p.workflow ? JSON.stringify(p.workflow) : null,
        p.muted ? 1 : 0,
        p.createdAt,
      );
  }

  setMuted(id: string, muted: boolean): void {
    this.#db.prepare('UPDATE pipelines SET muted = ? WHERE id = ?').run(muted ? 1 : 0, id);
  }

  delete(id: string): void {
    this.#db.prepare('DELETE FROM pipelines WHERE id = ?').run(id);
  }

  all(): DesiredPipeline[] {
    const rows = this.#db
      .prepare('SELECT id, spec, workflow, muted, created_at FROM pipelines ORDER BY created_at')
      .all() as {
      id: string;
      spec: string;
      workflow: string | null;
      muted: number;
      created_at: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      spec: JSON.parse(r.spec) as PipelineSpec,
      workflow: r.workflow ? (JSON.parse(r.workflow) as JsonObject) : null,
      muted: r.muted === 1,
      createdAt: r.created_at,
    }));
  }

  close(): void {
    this.#db.close();
  }
}
