import { describe, expect, it } from 'vitest';
import { StallLimit } from './stall.js';

describe('StallLimit', () => {
  it('uses the fixed timeout until the connection has shown its pace', () => {
    const stall = new StallLimit(10_000, {});
    for (let i = 0; i < 9; i++) stall.observe(33);
    expect(stall.adaptive).toBe(false);
    expect(stall.limitMs).toBe(10_000);
    stall.observe(33);
    expect(stall.adaptive).toBe(true);
    expect(stall.limitMs).toBe(1000); // 4 × 33 ms is below the 1 s floor
  });

  it.each([
    // [waits (ms), options, expected limit]
    [[200, 250, 180], {}, 1000],
    [[500, 1000, 600], {}, 4000], // a 1 fps camera: 4 × its longest wait
    [[3000, 4000], {}, 10_000], // never above the fixed timeout
    [[40, 40, 40], { minMs: 100, factor: 5 }, 200],
  ] as const)('waits %j with %j give %d ms', (waits, options, expected) => {
    const stall = new StallLimit(10_000, { ...options, warmupFrames: 1 });
    for (const w of waits) stall.observe(w);
    expect(stall.limitMs).toBe(expected);
  });

  it('forgets the pace on reset (a new connection) and can be turned off', () => {
    const stall = new StallLimit(10_000, { warmupFrames: 2 });
    stall.observe(10);
    stall.observe(10);
    expect(stall.limitMs).toBe(1000);
    stall.reset();
    expect(stall.limitMs).toBe(10_000);
    const off = new StallLimit(10_000, false);
    for (let i = 0; i < 100; i++) off.observe(10);
    expect(off.limitMs).toBe(10_000);
  });

  it('keeps only the last 64 waits', () => {
    const stall = new StallLimit(60_000, { warmupFrames: 1 });
    stall.observe(5000);
    for (let i = 0; i < 64; i++) stall.observe(50);
    expect(stall.limitMs).toBe(1000);
  });
});
