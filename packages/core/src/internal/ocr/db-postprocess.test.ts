import { describe, expect, it } from 'vitest';
import { dbBoxes } from './db-postprocess.js';
import { quadSize } from './sampling.js';

/** A probability map with `value` inside the given axis-aligned rectangles and 0.01 elsewhere. */
function map(width: number, height: number, rects: [number, number, number, number, number][]): Float32Array {
  const m = new Float32Array(width * height).fill(0.01);
  for (const [x1, y1, x2, y2, value] of rects) {
    for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) m[y * width + x] = value;
  }
  return m;
}

describe('dbBoxes', () => {
  it('finds one box per region, scored by its mean probability and grown by the unclip distance', () => {
    const m = map(100, 60, [
      [10, 10, 50, 20, 0.9],
      [60, 40, 90, 50, 0.8],
    ]);
    const boxes = dbBoxes(m, 100, 60, { unclipRatio: 1.5 });
    expect(boxes).toHaveLength(2);
    const [a] = boxes.sort((p, q) => p.quad[0] - q.quad[0]);
    expect(a.score).toBeCloseTo(0.9, 5);
    // 40 x 10 kernel: d = 400 * 1.5 / 100 = 6 on every side
    const d = 6;
    expect(Array.from(a.quad)).toEqual(
      [10 - d, 10 - d, 50 + d, 10 - d, 50 + d, 20 + d, 10 - d, 20 + d].map((v) => expect.closeTo(v, 4)),
    );
  });

  it('drops regions whose mean probability is below the box threshold, and specks below the minimum size', () => {
    const m = map(80, 40, [
      [5, 5, 40, 15, 0.4], // text-ish but weak: above 0.3, mean below 0.6
      [60, 20, 62, 22, 0.99], // a 2 x 2 speck
    ]);
    expect(dbBoxes(m, 80, 40)).toEqual([]);
    expect(dbBoxes(m, 80, 40, { boxThreshold: 0.35 })).toHaveLength(1);
  });

  it('fits a rotated rectangle to slanted text', () => {
    const width = 120;
    const height = 120;
    const m = new Float32Array(width * height);
    // a 60 x 12 bar turned by 30 degrees around (60, 60)
    const a = Math.PI / 6;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = (x + 0.5 - 60) * Math.cos(a) + (y + 0.5 - 60) * Math.sin(a);
        const v = -(x + 0.5 - 60) * Math.sin(a) + (y + 0.5 - 60) * Math.cos(a);
        m[y * width + x] = Math.abs(u) <= 30 && Math.abs(v) <= 6 ? 0.95 : 0;
      }
    }
    const [box] = dbBoxes(m, width, height, { unclipRatio: 0.0001 });
    const q = box.quad;
    const angle = (Math.atan2(q[3] - q[1], q[2] - q[0]) * 180) / Math.PI;
    expect(angle).toBeCloseTo(30, 0);
    const size = quadSize(q);
    expect(size.width).toBeGreaterThanOrEqual(59);
    expect(size.width).toBeLessThanOrEqual(63);
    expect(size.height).toBeGreaterThanOrEqual(11);
    expect(size.height).toBeLessThanOrEqual(15);
  });
});
