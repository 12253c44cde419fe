import { describe, expect, it } from 'vitest';
import { readingOrder } from './reading-order.js';

type Box = [number, number, number, number];

describe('readingOrder', () => {
  it('orders lines top to bottom and words left to right, whatever the input order', () => {
    const boxes: Box[] = [
      [300, 205, 400, 240], // line 2, right (slightly lower than its neighbour)
      [10, 100, 120, 140], // line 1, left
      [10, 200, 120, 238], // line 2, left
      [200, 102, 330, 141], // line 1, right
      [50, 300, 150, 330], // line 3
    ];
    expect(readingOrder(boxes)).toEqual([[1, 3], [2, 0], [4]]);
  });

  it('keeps boxes that barely touch vertically on separate lines', () => {
    const boxes: Box[] = [
      [0, 0, 100, 20],
      [120, 16, 200, 36], // overlaps the first by 4 of 20 pixels
    ];
    expect(readingOrder(boxes)).toEqual([[0], [1]]);
  });

  it('does not let one tall box merge two lines', () => {
    const boxes: Box[] = [
      [0, 0, 50, 20],
      [0, 30, 50, 50],
      [100, 0, 150, 50], // spans both lines; joins the one it overlaps most (the first, which sorts first)
    ];
    const lines = readingOrder(boxes);
    expect(lines).toHaveLength(2);
    expect(lines.flat().sort()).toEqual([0, 1, 2]);
    expect(lines[1]).toEqual([1]);
  });

  it('returns nothing for no boxes', () => {
    expect(readingOrder([])).toEqual([]);
  });
});
