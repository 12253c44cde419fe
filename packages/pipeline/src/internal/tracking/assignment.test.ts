import { describe, expect, it } from 'vitest';
import { assignDense, assignWithLimit, solveSquare } from './assignment.js';

describe('assignment', () => {
  it('finds the optimum where greedy fails', () => {
    // greedy takes (0,0)=1 then (1,1)=10 -> 11; optimum (0,1)+(1,0) = 2 + 3 = 5
    const cost = Float64Array.of(1, 2, 3, 10);
    expect(Array.from(solveSquare(cost, 2))).toEqual([1, 0]);
  });

  it('solves a 4x4 classic case', () => {
    const cost = Float64Array.of(82, 83, 69, 92, 77, 37, 49, 92, 11, 69, 5, 86, 8, 9, 98, 23);
    const rowToCol = solveSquare(cost, 4);
    const total = Array.from(rowToCol).reduce((s, c, r) => s + cost[r * 4 + c], 0);
    expect(total).toBe(140);
  });

  it('leaves pairs above the limit unmatched, rectangular', () => {
    // rows: 2 tracks, cols: 3 detections
    const cost = Float64Array.of(0.1, 0.95, 0.9, 0.99, 0.2, 0.97);
    const a = assignWithLimit(cost, 2, 3, 0.8);
    expect(a.matches).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(a.unmatchedRows).toEqual([]);
    expect(a.unmatchedCols).toEqual([2]);
    const none = assignWithLimit(Float64Array.of(0.9), 1, 1, 0.8);
    expect(none.matches).toEqual([]);
    expect(none.unmatchedRows).toEqual([0]);
    expect(none.unmatchedCols).toEqual([0]);
  });

  it('handles empty sides', () => {
    expect(assignWithLimit(new Float64Array(0), 0, 3, 0.5)).toEqual({
      matches: [],
      unmatchedRows: [],
      unmatchedCols: [0, 1, 2],
    });
  });

  it('splitting into components keeps the optimum of the whole matrix (random sparse cases)', () => {
    // a seeded generator: the same cases every run
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const total = (cost: Float64Array, cols: number, limit: number, m: [number, number][], rows: number) =>
      m.reduce((s, [r, c]) => s + cost[r * cols + c], 0) + (rows + cols - 2 * m.length) * (limit / 2);
    for (let k = 0; k < 200; k++) {
      const rows = 1 + Math.floor(rand() * 12);
      const cols = 1 + Math.floor(rand() * 12);
      const limit = 0.8;
      // mostly over the limit, as IoU costs of boxes far apart are
      const cost = Float64Array.from({ length: rows * cols }, () => (rand() < 0.25 ? rand() * 0.8 : 1));
      const split = assignWithLimit(cost, rows, cols, limit);
      const dense = assignDense(cost, rows, cols, limit);
      expect(total(cost, cols, limit, split.matches, rows)).toBeCloseTo(
        total(cost, cols, limit, dense, rows),
        9,
      );
      // a consistent partition of rows and columns
      expect(split.matches.length + split.unmatchedRows.length).toBe(rows);
      expect(split.matches.length + split.unmatchedCols.length).toBe(cols);
      expect(new Set(split.matches.map(([, c]) => c)).size).toBe(split.matches.length);
    }
  });
});
