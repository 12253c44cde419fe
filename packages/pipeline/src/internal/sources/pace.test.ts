import { describe, expect, it } from 'vitest';
import { FpsMonitor } from './monitors.js';
import { AdaptiveDropper, RateGate } from './pace.js';

/** Monitors ticked at a steady rate (ms between ticks) up to time `until`. */
function steady(intervalMs: number, until: number): FpsMonitor {
  const m = new FpsMonitor(30);
  for (let t = 0; t <= until; t += intervalMs) m.tick(t);
  return m;
}

describe('AdaptiveDropper', () => {
  const options = { paceToleranceFps: 5, minimumSamples: 10, maxDroppedInRow: 3 };

  it('drops while frames arrive faster than they are read, at most maxDroppedInRow in a row', () => {
    const arrival = steady(1000 / 30, 1000); // 30 fps in
    const reads = steady(1000 / 10, 1000); // 10 fps read
    const d = new AdaptiveDropper(arrival, reads, options);
    expect([1, 2, 3, 4, 5].map(() => d.shouldDrop(1000))).toEqual([true, true, true, false, true]);
  });

  it('keeps every frame when reading keeps up, or before enough samples', () => {
    expect(
      new AdaptiveDropper(steady(1000 / 30, 1000), steady(1000 / 30, 1000), options).shouldDrop(1000),
    ).toBe(false);
    expect(new AdaptiveDropper(steady(1000 / 30, 200), steady(1000 / 5, 200), options).shouldDrop(200)).toBe(
      false,
    );
  });
});

describe('RateGate', () => {
  it('accepts at most maxFps on average and does not burst after a stall', () => {
    const gate = new RateGate(10); // one frame per 100 ms
    const accepted = Array.from({ length: 30 }, (_, i) => i * 33).filter((t) => gate.accept(t));
    expect(accepted.length).toBeGreaterThanOrEqual(9);
    expect(accepted.length).toBeLessThanOrEqual(11);
    // after a 2 s stall, 10 frames 10 ms apart are not all let through: one, plus at most
    // one more within the quarter-interval jitter tolerance
    const burst = Array.from({ length: 10 }, (_, i) => 3000 + i * 10).filter((t) => gate.accept(t));
    expect(burst.length).toBeLessThanOrEqual(2);
  });
});
