import type { LimitWindow } from './config.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** A limit window's key infix and lifetime (§3.5), in UTC. */
export interface WindowKey {
  window: LimitWindow;
  infix: string;
  /** When the counter may be forgotten (epoch ms). */
  expiresAt: number;
}

/**
 * The infixes of the three windows at `now`: `minute_{0-59}` (120 s),
 * `hour_{0-23}` (2 h), `day_{YYYY_MM_DD}` (25 h), all UTC. A minute infix
 * repeats every hour, which is why it expires after 120 s.
 *
 * @example
 * windowKeys(Date.UTC(2026, 0, 2, 3, 4)).map((k) => k.infix); // ['minute_4', 'hour_3', 'day_2026_01_02']
 */
export function windowKeys(now: number): WindowKey[] {
  const d = new Date(now);
  return [
    { window: 'minutely', infix: `minute_${d.getUTCMinutes()}`, expiresAt: now + 120_000 },
    { window: 'hourly', infix: `hour_${d.getUTCHours()}`, expiresAt: now + 7_200_000 },
    {
      window: 'daily',
      infix: `day_${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}`,
      expiresAt: now + 25 * 3_600_000,
    },
  ];
}
