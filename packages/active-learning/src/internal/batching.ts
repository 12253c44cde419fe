import type { RecreationInterval } from './config.js';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The batch a datapoint goes to, in local time (§3.4 step 3): `prefix` for
 * `never`, otherwise `prefix_YYYY_MM_DD` dated today (daily), Monday of this
 * week (weekly) or the 1st of the month (monthly).
 *
 * @example
 * batchName('al', 'weekly', new Date(2026, 10, 29)); // 'al_2026_11_23' (Sunday 29 -> Monday 23)
 */
export function batchName(prefix: string, interval: RecreationInterval, now: Date): string {
  if (interval === 'never') return prefix;
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  if (interval === 'weekly') d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  if (interval === 'monthly') d.setDate(1);
  return `${prefix}_${d.getFullYear()}_${pad(d.getMonth() + 1)}_${pad(d.getDate())}`;
}
