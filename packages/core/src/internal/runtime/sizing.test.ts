import { describe, expect, it } from 'vitest';
import { adaptiveSessionCount } from './sizing.js';

describe('adaptive session count', () => {
  it('is one per core while memory allows, never below one', () => {
    expect(adaptiveSessionCount(12e6, 16, 64e9)).toBe(16);
    // 500 MB of weights ~ 1.5 GB a session: a quarter of 16 GB holds 2
    expect(adaptiveSessionCount(500e6, 16, 16e9)).toBe(2);
    expect(adaptiveSessionCount(5e9, 16, 8e9)).toBe(1);
    expect(adaptiveSessionCount(0, 4, 8e9)).toBe(4);
  });
});
