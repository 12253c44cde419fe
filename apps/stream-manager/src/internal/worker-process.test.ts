import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WorkerProcess } from './worker-process.js';

/** The environment a running process was started with (Linux). */
function environOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)) {
    const i = entry.indexOf('=');
    out[entry.slice(0, i)] = entry.slice(i + 1);
  }
  return out;
}

describe.skipIf(process.platform !== 'linux')('pipeline process environment', () => {
  it('starts with a 64 MB old generation (no full collection every few dozen frames)', async () => {
    const worker = new WorkerProcess();
    try {
      await worker.ready;
      const argv = readFileSync(`/proc/${worker.pid}/cmdline`, 'utf8').split('\0');
      expect(argv).toContain('--initial-old-space-size=64');
    } finally {
      await worker.stop(2000);
    }
  });

  it('gets malloc settings that keep per-frame megabyte buffers off mmap, unless the caller sets its own', async () => {
    const plain = new WorkerProcess();
    const custom = new WorkerProcess({ env: { MALLOC_MMAP_THRESHOLD_: '131072' } });
    try {
      const env = environOf(plain.pid!);
      expect(Number(env.MALLOC_MMAP_THRESHOLD_)).toBeGreaterThanOrEqual(4 * 1024 * 1024);
      expect(Number(env.MALLOC_TRIM_THRESHOLD_)).toBeGreaterThanOrEqual(Number(env.MALLOC_MMAP_THRESHOLD_));
      expect(environOf(custom.pid!).MALLOC_MMAP_THRESHOLD_).toBe('131072');
    } finally {
      await Promise.all([plain.stop(2000), custom.stop(2000)]);
    }
  });
});
