import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { ActiveLearningError } from './errors.js';

const require = createRequire(import.meta.url);

/**
 * Opens a SQLite database with better-sqlite3. It is an optional dependency compiled at
 * install (no prebuilt binary is fetched), so a machine without a compiler still installs
 * and serves; only what keeps state in SQLite fails, with this typed error.
 */
export function openDatabase(
  path: string,
  load: () => typeof Database = () => require('better-sqlite3'),
): Database.Database {
  try {
    const Sqlite = load();
    return new Sqlite(path);
  } catch (e) {
    if (!isMissingBinding(e)) throw e;
    throw new ActiveLearningError('AL_ERR_SQLITE_UNAVAILABLE', undefined, { cause: e });
  }
}

/** The package is absent, or present without its compiled binding. */
function isMissingBinding(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  const message = e instanceof Error ? e.message : '';
  return code === 'MODULE_NOT_FOUND' || /bindings file|better_sqlite3\.node/.test(message);
}
