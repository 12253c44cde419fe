import { describe, expect, it, vi } from 'vitest';

vi.mock('node:os', async (importOriginal) => {
  const os = await importOriginal<typeof import('node:os')>();
  return { ...os, availableParallelism: () => 16, totalmem: () => 64 * 1024 ** 3 };
});

const { defaultRunSlots } = await import('./sizing.js');
const { resolveServerOptions } = await import('../options.js');

describe('run slots sized from the machine', () => {
  it('gives two slots per core, at least 4, bounded by memory', () => {
    expect(defaultRunSlots(16, 64 * 1024 ** 3)).toBe(32);
    expect(defaultRunSlots(1, 64 * 1024 ** 3)).toBe(4);
    expect(defaultRunSlots(64, 1024 ** 3)).toBe(16);
  });

  it('is the server default on a 16-core machine (not a fixed 4), with 4 waiting per slot', () => {
    const o = resolveServerOptions({});
    expect(o.queue.concurrency).toBe(32);
    expect(o.queue.maxQueued).toBe(128);
    expect(resolveServerOptions({ queue: { concurrency: 3 } }).queue.concurrency).toBe(3);
  });
});
