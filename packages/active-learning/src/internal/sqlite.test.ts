import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'al-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** better-sqlite3 as it is when its install-time compile failed: the constructor cannot find the binding. */
const unbuilt = (() =>
  class {
    constructor() {
      throw new Error('Could not locate the bindings file. Tried:\n → build/better_sqlite3.node');
    }
  }) as unknown as () => typeof Database;

describe('openDatabase', () => {
  it('opens a database with the real better-sqlite3', () => {
    const db = openDatabase(join(dir, 'ok.db'));
    expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    db.close();
  });

  it('says what to install when better-sqlite3 is absent or was not compiled', () => {
    const absent = () => {
      throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' });
    };
    for (const load of [unbuilt, absent])
      expect(() => openDatabase(join(dir, 'x.db'), load)).toThrow(
        expect.objectContaining({
          code: 'AL_ERR_SQLITE_UNAVAILABLE',
          message: expect.stringMatching(/g\+\+/),
        }),
      );
  });

  it('passes other failures through as they are', () => {
    expect(() => openDatabase(join(dir, 'missing-folder', 'x.db'))).toThrow(/directory does not exist/);
  });
});
