import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { PredictionType, WirePrediction } from './prediction.js';
import type { StoreFiles } from './store.js';

/** One accepted datapoint waiting for delivery. */
export interface OutboxItem {
  id: number;
  createdAt: number;
  /** `roboflow` or `dir:<path>`. */
  target: string;
  apiUrl?: string;
  apiKey?: string;
  workspace: string;
  project: string;
  strategy: string;
  batch: string;
  tags: string[];
  /** Upload name: content hash + `.jpg`, the same for the same bytes. */
  name: string;
  file: string;
  bytes: number;
  width: number;
  height: number;
  /** The (rescaled) prediction to persist as an annotation; undefined when not persisted. */
  prediction?: WirePrediction;
  taskType: PredictionType;
  modelId?: string;
  inferenceId?: string;
  attempts: number;
  nextAt: number;
  uploadedId?: string;
  state: 'pending' | 'dead';
  lastError?: string;
}

export type NewItem = Omit<
  OutboxItem,
  'id' | 'file' | 'bytes' | 'attempts' | 'nextAt' | 'state' | 'uploadedId' | 'lastError'
>;

interface Row {
  id: number;
  created_at: number;
  target: string;
  api_url: string | null;
  api_key: string | null;
  workspace: string;
  project: string;
  strategy: string;
  batch: string;
  tags: string;
  name: string;
  file: string;
  bytes: number;
  width: number;
  height: number;
  prediction: string | null;
  task_type: string;
  model_id: string | null;
  inference_id: string | null;
  attempts: number;
  next_at: number;
  uploaded_id: string | null;
  state: string;
  last_error: string | null;
}

function fromRow(r: Row): OutboxItem {
  const item: OutboxItem = {
    id: r.id,
    createdAt: r.created_at,
    target: r.target,
    workspace: r.workspace,
    project: r.project,
    strategy: r.strategy,
    batch: r.batch,
    tags: JSON.parse(r.tags) as string[],
    name: r.name,
    file: r.file,
    bytes: r.bytes,
    width: r.width,
    height: r.height,
    taskType: r.task_type as PredictionType,
    attempts: r.attempts,
    nextAt: r.next_at,
    state: r.state === 'dead' ? 'dead' : 'pending',
  };
  if (r.api_url !== null) item.apiUrl = r.api_url;
  if (r.api_key !== null) item.apiKey = r.api_key;
  if (r.prediction !== null) item.prediction = JSON.parse(r.prediction) as WirePrediction;
  if (r.model_id !== null) item.modelId = r.model_id;
  if (r.inference_id !== null) item.inferenceId = r.inference_id;
  if (r.uploaded_id !== null) item.uploadedId = r.uploaded_id;
  if (r.last_error !== null) item.lastError = r.last_error;
  return item;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Writes a file so that it is either absent or complete (temp file, fsync,
 * rename), without blocking the event loop.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * The durable outbox: rows in SQLite, image bytes as files beside it. An
 * image file is written (atomically) before its row commits, so a committed
 * row always has its bytes; files without a row (a crash in between) are
 * swept at open. Bounded by `maxBytes` of image data.
 */
export class Outbox {
  readonly #db: Database.Database;
  readonly #files: StoreFiles;
  readonly maxBytes: number;
  #bytes = 0;

  constructor(db: Database.Database, files: StoreFiles, maxBytes: number) {
    this.#db = db;
    this.#files = files;
    this.maxBytes = maxBytes;
    this.#bytes = this.#sumBytes();
    this.#sweepOrphans();
  }

  #sumBytes(): number {
    return (this.#db.prepare('SELECT COALESCE(SUM(bytes), 0) AS b FROM items').get() as { b: number }).b;
  }

  #sweepOrphans(): void {
    const known = new Set(
      (this.#db.prepare('SELECT file FROM items').all() as { file: string }[]).map((r) => r.file),
    );
    // another process may be between writing a file and committing its row: only old strays go
    const before = Date.now() - 60_000;
    for (const f of readdirSync(this.#files.imagesDir)) {
      const path = join(this.#files.imagesDir, f);
      if (!known.has(f) && (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) < before)
        rmSync(path, { force: true });
    }
  }

  /** Image bytes held now (approximate across processes; exact within one). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether `size` more bytes fit under the bound (re-read from the database, other writers count). */
  fits(size: number): boolean {
    this.#bytes = this.#sumBytes();
    return this.#bytes + size <= this.maxBytes;
  }

  /** Stores the image, then the row; returns the new item id. */
  async add(item: NewItem, jpeg: Uint8Array, now: number): Promise<number> {
    const file = `${item.name.replace(/\.jpg$/, '')}.${randomUUID()}.jpg`;
    await writeFileAtomic(join(this.#files.imagesDir, file), jpeg);
    try {
      const r = this.#db
        .prepare(
          `INSERT INTO items (created_at, target, api_url, api_key, workspace, project, strategy, batch, tags, name,
           file, bytes, width, height, prediction, task_type, model_id, inference_id, next_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          item.createdAt,
          item.target,
          item.apiUrl ?? null,
          item.apiKey ?? null,
          item.workspace,
          item.project,
          item.strategy,
          item.batch,
          JSON.stringify(item.tags),
          item.name,
          file,
          jpeg.length,
          item.width,
          item.height,
          item.prediction ? JSON.stringify(item.prediction) : null,
          item.taskType,
          item.modelId ?? null,
          item.inferenceId ?? null,
          now,
        );
      this.#bytes += jpeg.length;
      return Number(r.lastInsertRowid);
    } catch (err) {
      await rm(join(this.#files.imagesDir, file), { force: true });
      throw err;
    }
  }

  imagePath(item: OutboxItem): string {
    return join(this.#files.imagesDir, item.file);
  }

  /** Pending items due at `now` (or all pending with `ignoreSchedule`), not leased by anyone, oldest first. */
  due(now: number, limit: number, ignoreSchedule = false): OutboxItem[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM items WHERE state = 'pending' AND lease_until <= ? ${ignoreSchedule ? '' : 'AND next_at <= ?'}
         ORDER BY id LIMIT ?`,
      )
      .all(...(ignoreSchedule ? [now, limit] : [now, now, limit])) as Row[];
    return rows.map(fromRow);
  }

  /**
   * Claims an item for one attempt (lease + attempt count, committed before
   * anything is sent). Returns the attempts made before this one, or
   * undefined when someone else holds it.
   */
  claim(id: number, now: number, leaseMs: number): number | undefined {
    const tx = this.#db.transaction(() => {
      const r = this.#db
        .prepare(`SELECT attempts FROM items WHERE id = ? AND state = 'pending' AND lease_until <= ?`)
        .get(id, now) as { attempts: number } | undefined;
      if (!r) return undefined;
      this.#db
        .prepare('UPDATE items SET lease_until = ?, lease_owner = ?, attempts = attempts + 1 WHERE id = ?')
        .run(now + leaseMs, process.pid, id);
      return r.attempts;
    });
    return tx.immediate();
  }

  /**
   * Frees leases whose owner process is gone (killed mid-upload), so a
   * restart retries at once instead of waiting for the lease to run out.
   */
  releaseDeadLeases(now: number): number {
    const owners = this.#db
      .prepare(
        'SELECT DISTINCT lease_owner AS pid FROM items WHERE lease_until > ? AND lease_owner IS NOT NULL',
      )
      .all(now) as { pid: number }[];
    let freed = 0;
    for (const { pid } of owners) {
      if (pid === process.pid || isAlive(pid)) continue;
      freed += this.#db
        .prepare('UPDATE items SET lease_until = 0, lease_owner = NULL WHERE lease_owner = ?')
        .run(pid).changes;
    }
    return freed;
  }

  /** Records the target's image id between upload and annotation (a retry then annotates, not re-uploads). */
  setUploaded(id: number, uploadedId: string): void {
    if (!this.#db.open) return; // an attempt that outlived close(): the next process redoes it
    this.#db.prepare('UPDATE items SET uploaded_id = ? WHERE id = ?').run(uploadedId, id);
  }

  /** Delivered: the row goes (at once), then the bytes (the returned promise). */
  remove(item: OutboxItem): Promise<void> {
    if (!this.#db.open) return Promise.resolve();
    const r = this.#db.prepare('DELETE FROM items WHERE id = ?').run(item.id);
    if (r.changes > 0) this.#bytes = Math.max(0, this.#bytes - item.bytes);
    return rm(this.imagePath(item), { force: true });
  }

  /** A failed attempt: try again at `nextAt`, or never (`dead`, kept for export). */
  fail(id: number, message: string, nextAt: number | 'dead'): void {
    if (!this.#db.open) return;
    if (nextAt === 'dead')
      this.#db
        .prepare(`UPDATE items SET state = 'dead', lease_until = 0, last_error = ? WHERE id = ?`)
        .run(message, id);
    else
      this.#db
        .prepare('UPDATE items SET next_at = ?, lease_until = 0, last_error = ? WHERE id = ?')
        .run(nextAt, message, id);
  }

  /** Dead items become pending again (for `flush --retry-dead`). */
  revive(): number {
    return this.#db.prepare(`UPDATE items SET state = 'pending', next_at = 0 WHERE state = 'dead'`).run()
      .changes;
  }

  /** Every item (pending and dead), oldest first. */
  all(): OutboxItem[] {
    return (this.#db.prepare('SELECT * FROM items ORDER BY id').all() as Row[]).map(fromRow);
  }

  stats(): { pending: number; dead: number; bytes: number; oldestCreatedAt?: number; nextAt?: number } {
    const r = this.#db
      .prepare(
        `SELECT SUM(state = 'pending') AS pending, SUM(state = 'dead') AS dead, COALESCE(SUM(bytes), 0) AS bytes,
         MIN(created_at) AS oldest, MIN(CASE WHEN state = 'pending' THEN next_at END) AS next FROM items`,
      )
      .get() as {
      pending: number | null;
      dead: number | null;
      bytes: number;
      oldest: number | null;
      next: number | null;
    };
    return {
      pending: r.pending ?? 0,
      dead: r.dead ?? 0,
      bytes: r.bytes,
      ...(r.oldest !== null ? { oldestCreatedAt: r.oldest } : {}),
      ...(r.next !== null ? { nextAt: r.next } : {}),
    };
  }
}
