import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { batchName } from './batching.js';
import { LimitsStore } from './limits.js';
import { openStore } from './store.js';
import { windowKeys } from './windows.js';

describe('batchName (local time)', () => {
  // 2026-11-23 is a Monday
  const rows: [string, 'never' | 'daily' | 'weekly' | 'monthly', Date, string][] = [
    ['never', 'never', new Date(2026, 10, 25, 12), 'al'],
    ['daily', 'daily', new Date(2026, 10, 25, 23, 59), 'al_2026_11_25'],
    ['weekly on Monday 00:00', 'weekly', new Date(2026, 10, 23, 0, 0), 'al_2026_11_23'],
    ['weekly on Wednesday', 'weekly', new Date(2026, 10, 25, 8), 'al_2026_11_23'],
    ['weekly on Sunday 23:59 (still last Monday)', 'weekly', new Date(2026, 10, 29, 23, 59), 'al_2026_11_23'],
    ['weekly across a month', 'weekly', new Date(2026, 11, 2), 'al_2026_11_30'],
    ['weekly across a year', 'weekly', new Date(2027, 0, 1), 'al_2026_12_28'],
    ['monthly', 'monthly', new Date(2026, 10, 29), 'al_2026_11_01'],
    ['daily rolls over at local midnight', 'daily', new Date(2026, 10, 26, 0, 0, 0), 'al_2026_11_26'],
  ];
  it.each(rows)('%s', (_n, interval, date, expected) => {
    expect(batchName('al', interval, date)).toBe(expected);
  });

  it('uses local time, not UTC (a UTC Monday morning is a Sunday evening in Los Angeles)', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const instant = new Date(Date.UTC(2026, 10, 23, 3, 0)); // Monday 03:00 UTC = Sunday 19:00 PST
      expect(batchName('al', 'weekly', instant)).toBe('al_2026_11_16');
      expect(batchName('al', 'daily', instant)).toBe('al_2026_11_22');
      process.env.TZ = 'Asia/Tokyo';
      const tokyo = new Date(Date.UTC(2026, 10, 22, 16, 0)); // Sunday 16:00 UTC = Monday 01:00 JST
      expect(batchName('al', 'weekly', tokyo)).toBe('al_2026_11_23');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

describe('windowKeys (UTC)', () => {
  it('names minute, hour and day windows with their lifetimes', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    expect(windowKeys(now)).toEqual([
      { window: 'minutely', infix: 'minute_4', expiresAt: now + 120_000 },
      { window: 'hourly', infix: 'hour_3', expiresAt: now + 7_200_000 },
      { window: 'daily', infix: 'day_2026_01_02', expiresAt: now + 90_000_000 },
    ]);
  });
});

describe('LimitsStore with a fake clock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'al-limits-'));
  const { db } = openStore(dir);
  const limits = new LimitsStore(db);
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const t0 = Date.UTC(2026, 5, 1, 10, 30, 0);

  it('refuses when usage reaches the value (usage >= value) and rolls over with the minute', () => {
    const s = [{ name: 'm', limits: [{ type: 'minutely' as const, value: 2 }] }];
    expect(limits.takeFirst('ws', 'p', s, t0)?.name).toBe('m');
    expect(limits.takeFirst('ws', 'p', s, t0 + 1000)?.name).toBe('m');
    expect(limits.takeFirst('ws', 'p', s, t0 + 2000)).toBeUndefined();
    expect(limits.takeFirst('ws', 'p', s, t0 + 59_999)).toBeUndefined();
    // next minute: a fresh window
    expect(limits.takeFirst('ws', 'p', s, t0 + 60_000)?.name).toBe('m');
  });

  it('consumes every window even if unconfigured; hourly and daily limits hold across minutes', () => {
    const s = [{ name: 'h', limits: [{ type: 'hourly' as const, value: 3 }] }];
    for (let i = 0; i < 3; i++) expect(limits.takeFirst('ws', 'p', s, t0 + i * 60_000)?.name).toBe('h');
    expect(limits.takeFirst('ws', 'p', s, t0 + 10 * 60_000)).toBeUndefined();
    expect(limits.usage('ws', 'p', 'h', t0 + 2 * 60_000)).toEqual({ minutely: 1, hourly: 3, daily: 3 });
    // the next UTC hour
    expect(limits.takeFirst('ws', 'p', s, Date.UTC(2026, 5, 1, 11, 0, 0))?.name).toBe('h');
    const d = [{ name: 'd', limits: [{ type: 'daily' as const, value: 1 }] }];
    expect(limits.takeFirst('ws', 'p', d, t0)?.name).toBe('d');
    expect(limits.takeFirst('ws', 'p', d, Date.UTC(2026, 5, 1, 23, 59))).toBeUndefined();
    expect(limits.takeFirst('ws', 'p', d, Date.UTC(2026, 5, 2, 0, 0))?.name).toBe('d');
  });

  it('the minute infix repeats every hour but the counter has expired by then', () => {
    const s = [{ name: 'r', limits: [{ type: 'minutely' as const, value: 1 }] }];
    expect(limits.takeFirst('ws', 'p', s, t0)?.name).toBe('r');
    expect(limits.takeFirst('ws', 'p', s, t0 + 3_600_000)?.name).toBe('r');
  });

  it('the first matching strategy with credit wins, in order; no limits = always credit', () => {
    const a = { name: 'a', limits: [{ type: 'minutely' as const, value: 0 }] };
    const b = { name: 'b', limits: [] };
    expect(limits.takeFirst('ws', 'q', [a, b], t0)?.name).toBe('b');
  });

  it('gives credit back (floor 0), scoped by workspace and project', () => {
    const s = [{ name: 'g', limits: [{ type: 'minutely' as const, value: 1 }] }];
    expect(limits.takeFirst('ws', 'x', s, t0)?.name).toBe('g');
    expect(limits.takeFirst('ws', 'x', s, t0)).toBeUndefined();
    expect(limits.takeFirst('ws', 'y', s, t0)?.name).toBe('g');
    limits.giveBack('ws', 'x', 'g', t0);
    limits.giveBack('ws', 'x', 'g', t0);
    expect(limits.usage('ws', 'x', 'g', t0).minutely).toBe(0);
    expect(limits.takeFirst('ws', 'x', s, t0)?.name).toBe('g');
  });

  it('counters persist across a reopen of the database', () => {
    const s = [{ name: 'p', limits: [{ type: 'daily' as const, value: 1 }] }];
    expect(limits.takeFirst('ws', 'persist', s, t0)?.name).toBe('p');
    const again = openStore(dir);
    try {
      expect(new LimitsStore(again.db).takeFirst('ws', 'persist', s, t0 + 1000)).toBeUndefined();
    } finally {
      again.db.close();
    }
  });
});
