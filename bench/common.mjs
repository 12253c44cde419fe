// Shared helpers for the benchmarks: locate ../shared, time things, print tables.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = process.env.INFERENCE_SHARED_DIR ?? resolve(ROOT, '..', 'shared');

export function requireShared() {
  if (!existsSync(join(SHARED, 'models'))) {
    console.error(`no ${SHARED}/models: this benchmark needs the shared models and media`);
    process.exit(2);
  }
}

export const media = (f) => join(SHARED, 'media', f);
export const model = (f) => join(SHARED, 'models', f);

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median ms of `fn` over `n` runs after `warm` untimed ones. */
export async function timeIt(fn, { n = 20, warm = 3 } = {}) {
  for (let i = 0; i < warm; i++) await fn();
  const t = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

export function printTable(header, rows) {
  const cells = [
    header,
    ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toFixed(2) : String(c)))),
  ];
  const w = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(w[i])).join('  ');
  console.log(line(cells[0]));
  console.log(w.map((x) => '-'.repeat(x)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}
