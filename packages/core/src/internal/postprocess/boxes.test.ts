import { describe, expect, it } from 'vitest';
import { boxArea, cxcywhToXyxy, iou, iouAt, xyxyToCxcywh } from './boxes.js';

describe('box math', () => {
  it('computes areas, zero for empty or inverted boxes', () => {
    const b = new Float32Array([0, 0, 4, 5, 3, 3, 3, 9, 5, 5, 2, 2]);
    expect([boxArea(b, 0), boxArea(b, 1), boxArea(b, 2)]).toEqual([20, 0, 0]);
  });

  it.each([
    { a: [0, 0, 10, 10], b: [0, 0, 10, 10], want: 1 },
    { a: [0, 0, 10, 10], b: [0, 0, 10, 5], want: 0.5 },
    { a: [0, 0, 10, 10], b: [5, 0, 15, 10], want: 50 / 150 },
    { a: [0, 0, 10, 10], b: [10, 0, 20, 10], want: 0 },
    { a: [0, 0, 10, 10], b: [20, 20, 30, 30], want: 0 },
    { a: [0, 0, 0, 0], b: [0, 0, 0, 0], want: 0 },
  ])('iou($a, $b) = $want', ({ a, b, want }) => {
    expect(iou(a, b)).toBeCloseTo(want, 10);
    expect(iou(b, a)).toBeCloseTo(want, 10);
  });

  it('reads boxes at an index of flat arrays', () => {
    const boxes = new Float32Array([100, 100, 101, 101, 0, 0, 10, 10]);
    const other = new Float32Array([0, 0, 10, 5]);
    expect(iouAt(boxes, 1, other, 0)).toBe(0.5);
  });

  it('converts cxcywh <-> xyxy, in place too', () => {
    const c = new Float32Array([5, 5, 4, 2, 10, 20, 6, 8]);
    const x = cxcywhToXyxy(c);
    expect(Array.from(x)).toEqual([3, 4, 7, 6, 7, 16, 13, 24]);
    expect(Array.from(xyxyToCxcywh(x))).toEqual(Array.from(c));
    cxcywhToXyxy(c, c);
    expect(Array.from(c)).toEqual([3, 4, 7, 6, 7, 16, 13, 24]);
  });
});
