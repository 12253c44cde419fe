import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { StreamManagerError } from './errors.js';

const require = createRequire(import.meta.url);

/**
 * Opens the desired-state database with better-sqlite3, an optional dependency compiled at
 * install: without a compiler the rest still installs, and the manager refuses to start
 * with this typed error instead of a missing-bindings trace.
 */
export function openDatabase(
  path: string,
  load: () => typeof Database = () => require('better-sqlite3'),
): Database.Database {
  try {
    const Sqlite = load();
    return new Sqlite(path);
  } catch (e) {
    const missing =
      (e as { code?: unknown })?.code === 'MODULE_NOT_FOUND' ||
      /bindings file|better_sqlite3\.node/.test(e instanceof Error ? e.message : '');
    if (!missing) throw e;
    throw new StreamManagerError('STREAM_ERR_SQLITE_UNAVAILABLE', undefined, { cause: e });
  }
}
