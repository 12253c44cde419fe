import { describe, expect, it } from 'vitest';
import { encodeBase64, encodeBase64Portable, looksLikeBase64 } from './base64.js';

describe('base64', () => {
  it('the portable encoder matches Buffer for every padding case and across slice boundaries', () => {
    const sizes = [0, 1, 2, 3, 4, 5, 6, 7, 3 * 16_384 - 1, 3 * 16_384, 3 * 16_384 + 1, 100_003];
    for (const n of sizes) {
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = (i * 131 + 7) & 255;
      const expected = Buffer.from(bytes).toString('base64');
      expect(encodeBase64Portable(bytes), `n=${n}`).toBe(expected);
      expect(encodeBase64(bytes), `n=${n}`).toBe(expected);
    }
  });

  it('encodes a view of a larger buffer, not the whole buffer', () => {
    const whole = new Uint8Array([1, 2, 3, 104, 105, 9]);
    expect(encodeBase64(whole.subarray(3, 5))).toBe('aGk=');
    expect(encodeBase64Portable(whole.subarray(3, 5))).toBe('aGk=');
  });

  it('recognises base64 text', () => {
    expect(looksLikeBase64('aGk=')).toBe(true);
    expect(looksLikeBase64('aGk_-w==')).toBe(true);
    expect(looksLikeBase64('/tmp/does-not-exist.jpg')).toBe(false);
    expect(looksLikeBase64('')).toBe(false);
  });
});
