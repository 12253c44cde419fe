import { describe, expect, it } from 'vitest';
import { createInferenceConfiguration } from './configuration.js';
import { parseRetryAfter, retryDelayMs } from './retry.js';

describe('retry back-off', () => {
  const cfg = createInferenceConfiguration({ retryJitter: 0 });

  it('is exponential from 1 s by default and capped', () => {
    expect([1, 2, 3, 4].map((r) => retryDelayMs(r, cfg))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(20, cfg)).toBe(30_000);
  });

  it('factor 1 gives the Python client’s constant 1 s', () => {
    const constant = createInferenceConfiguration({ retryBackoffFactor: 1, retryJitter: 0 });
    expect([1, 2, 3].map((r) => retryDelayMs(r, constant))).toEqual([1000, 1000, 1000]);
  });

  it('jitter shortens the delay by up to the configured fraction', () => {
    const jittery = createInferenceConfiguration({ retryJitter: 0.5 });
    expect(retryDelayMs(1, jittery, undefined, () => 0)).toBe(1000);
    expect(retryDelayMs(1, jittery, undefined, () => 0.999999)).toBeCloseTo(500, 0);
    expect(retryDelayMs(2, jittery, undefined, () => 0.5)).toBe(1500);
  });

  it('honours Retry-After, capped at retryBackoffMaxMs', () => {
    expect(retryDelayMs(1, cfg, 3000)).toBe(3000);
    expect(retryDelayMs(1, cfg, 120_000)).toBe(30_000);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
  });
});
