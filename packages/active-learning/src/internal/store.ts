import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from './sqlite.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS items (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at INTEGER NOT NULL,
  target TEXT NOT NULL,
  api_url TEXT,
  api_key TEXT,
  workspace TEXT NOT NULL,
  project TEXT NOT NULL,
  strategy TEXT NOT NULL,
  batch TEXT NOT NULL,
  tags TEXT NOT NULL,
  name TEXT NOT NULL,
  file TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  prediction TEXT,
  task_type TEXT NOT NULL,
  model_id TEXT,
  inference_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  lease_owner INTEGER,
  uploaded_id TEXT,
  state TEXT NOT NULL DEFAULT 'pending',
  last_error TEXT
);
CREATE INDEX IF NOT EXISTS items_due ON items (state, next_at);
CREATE TABLE IF NOT EXISTS usage (key TEXT PRIMARY KEY, usage INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS batches (key TEXT PRIMARY KEY, images INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS errors (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, item INTEGER, message TEXT NOT NULL);
`;

/** The state directory: `al.db` (SQLite, WAL) and `images/` (outbox image bytes). */
export interface StoreFiles {
  dir: string;
  dbPath: string;
  imagesDir: string;
}

export function storeFiles(dir: string): StoreFiles {
  return { dir, dbPath: join(dir, 'al.db'), imagesDir: join(dir, 'images') };
}

/**
 * Opens (creating) the state database in WAL mode. `synchronous=NORMAL`:
 * a commit survives the process being killed (SIGKILL); only an OS crash
 * or power loss may lose the last commits. Several processes may open it
 * (the server and the CLI); writers wait up to 5 s for each other.
 */
export function openStore(dir: string): { db: Database.Database; files: StoreFiles } {
  const files = storeFiles(dir);
  mkdirSync(files.imagesDir, { recursive: true });
  const db = openDatabase(files.dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return { db, files };
}
