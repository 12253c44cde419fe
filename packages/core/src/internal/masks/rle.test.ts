import { describe, expect, it } from 'vitest';
import type { RegionMask } from '../detections/mask.js';
import { maskToFull } from '../detections/mask.js';
import { decodeRleCounts, encodeRleCounts, maskToRle, maskToRunLengths, rleToMask } from './rle.js';

const plus: RegionMask = {
  x0: 0,
  y0: 0,
  width: 3,
  height: 3,
  data: new Uint8Array([0, 1, 0, 1, 1, 1, 0, 1, 0]),
};

describe('COCO RLE', () => {
  it('encodes a 3×3 plus exactly as pycocotools (hand-computed)', () => {
    // column-major: 0 1 0 | 1 1 1 | 0 1 0 -> runs 1,1,1,3,1,1,1
    expect(maskToRunLengths(plus, 3, 3)).toEqual([1, 1, 1, 3, 1, 1, 1]);
    // from the 4th count on, the difference to the count two before: 1,1,1,2,0,-2,0 -> '1','1','1','2','0','N' (-2 -> 30 with sign bit, +48),'0'
    expect(maskToRle(plus, 3, 3)).toEqual({ size: [3, 3], counts: '11120N0' });
  });

  it('uses continuation groups for counts over 31 and starts with a zero run when the first pixel is set', () => {
    const zeros: RegionMask = { x0: 0, y0: 0, width: 10, height: 10, data: new Uint8Array(100) };
    const ones: RegionMask = { x0: 0, y0: 0, width: 10, height: 10, data: new Uint8Array(100).fill(1) };
    // 100 = 3·32 + 4 -> groups 4|0x20 = 36 -> 'T', then 3 -> '3'
    expect(maskToRle(zeros, 10, 10).counts).toBe('T3');
    expect(maskToRle(ones, 10, 10).counts).toBe('0T3');
  });

  it('orders pixels column-major, not row-major', () => {
    // only the top-right pixel of a 2×2 image: column-major index 2
    const m: RegionMask = { x0: 1, y0: 0, width: 1, height: 1, data: new Uint8Array([1]) };
    expect(maskToRunLengths(m, 2, 2)).toEqual([2, 1, 1]);
    expect(Array.from(rleToMask(maskToRle(m, 2, 2)))).toEqual([0, 1, 0, 0]);
  });

  it('round-trips counts with large and negative deltas', () => {
    const counts = [0, 5_000_000, 3, 40_000_000, 1, 12, 999_999, 0, 7];
    expect(decodeRleCounts(encodeRleCounts(counts))).toEqual(counts);
  });

  it('round-trips a region mask placed inside a larger image, touching column ends', () => {
    const w = 13;
    const h = 9;
    const data = new Uint8Array(5 * 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 3 === 0 ? 1 : 0;
    // region reaches the bottom edge, so runs of ones continue into the next column's top rows (which are outside)
    const m: RegionMask = { x0: 4, y0: 4, width: 5, height: 5, data: data.subarray(0, 25) };
    const decoded = rleToMask(maskToRle(m, w, h));
    expect(Array.from(decoded)).toEqual(Array.from(maskToFull(m, w, h)));
    const counts = maskToRunLengths(m, w, h);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(w * h);
  });

  it('accepts uncompressed counts and rejects malformed strings', () => {
    expect(Array.from(rleToMask({ size: [3, 3], counts: [1, 1, 1, 3, 1, 1, 1] }))).toEqual(
      Array.from(plus.data),
    );
    expect(() => decodeRleCounts('1 ')).toThrow(/invalid character/);
    expect(() => decodeRleCounts('T')).toThrow(/ends inside/);
    expect(() => rleToMask({ size: [2, 2], counts: '5' })).toThrow(/exceed/);
  });
});
