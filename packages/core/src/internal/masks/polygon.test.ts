import { describe, expect, it } from 'vitest';
import type { RegionMask } from '../detections/mask.js';
import { maskToFull } from '../detections/mask.js';
import { findContours, largestContour } from './contours.js';
import { maskIoU } from './iou.js';
import { maskToPolygon, maskToPolygons, polygonToMask } from './polygon.js';
import { maskToRle, rleToMask } from './rle.js';
import { simplifyPolygon, simplifyPolyline } from './simplify.js';

/** Region mask from rows of '#' and '.'. */
function art(rows: string[], x0 = 0, y0 = 0): RegionMask {
  const width = rows[0].length;
  const data = new Uint8Array(width * rows.length);
  rows.forEach((r, y) => {
    for (let x = 0; x < width; x++) data[y * width + x] = r[x] === '#' ? 1 : 0;
  });
  return { x0, y0, width, height: rows.length, data };
}

const pairs = (p: Float32Array) => Array.from({ length: p.length / 2 }, (_, i) => [p[2 * i], p[2 * i + 1]]);

describe('findContours', () => {
  it('traces a square along pixel edges, clockwise from the top-left corner', () => {
    const m = art(['.....', '.###.', '.###.', '.###.', '.....']);
    const [c] = findContours(m.data, m.width, m.height);
    expect(pairs(c.points)).toEqual([
      [1, 1],
      [4, 1],
      [4, 4],
      [1, 4],
    ]);
    expect(c.area).toBe(9);
  });

  it('traces an L-shape with its six corners', () => {
    const m = art(['#..', '#..', '###']);
    const [c] = findContours(m.data, m.width, m.height);
    expect(pairs(c.points)).toEqual([
      [0, 0],
      [1, 0],
      [1, 2],
      [3, 2],
      [3, 3],
      [0, 3],
    ]);
    expect(c.area).toBe(5);
  });

  it('joins diagonal neighbours (8-connectivity) and fills holes in the area', () => {
    const diag = art(['#.', '.#']);
    expect(findContours(diag.data, 2, 2)).toHaveLength(1);
    expect(findContours(diag.data, 2, 2)[0].area).toBe(2);
    const ring = art(['###', '#.#', '###']);
    const rc = findContours(ring.data, 3, 3);
    expect(rc).toHaveLength(1);
    expect(rc[0].area).toBe(9);
  });

  it('finds each blob and picks the largest', () => {
    const m = art(['##....', '##....', '...###', '...###', '...###']);
    const cs = findContours(m.data, m.width, m.height);
    expect(cs.map((c) => c.area)).toEqual([4, 9]);
    expect(largestContour(cs)?.area).toBe(9);
    expect(findContours(new Uint8Array(4), 2, 2)).toEqual([]);
  });
});

describe('simplify', () => {
  it('drops collinear and near-collinear points but keeps corners', () => {
    expect(Array.from(simplifyPolyline([0, 0, 1, 0.1, 2, 0, 3, 5], 0.5))).toEqual([0, 0, 2, 0, 3, 5]);
    const sq = simplifyPolygon([0, 0, 5, 0, 10, 0, 10, 5, 10, 10, 5, 10, 0, 10, 0, 5], 0.5);
    expect(pairs(sq)).toEqual([
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
    ]);
  });

  it('turns a pixel staircase into a diagonal', () => {
    // 20-pixel right triangle: its hypotenuse is a staircase of unit steps
    const rows = Array.from({ length: 20 }, (_, y) => '#'.repeat(y + 1) + '.'.repeat(19 - y));
    const poly = maskToPolygon(art(rows));
    expect(poly.length / 2).toBeLessThanOrEqual(5);
    expect(pairs(poly)).toContainEqual([0, 0]);
    expect(pairs(poly)).toContainEqual([0, 20]);
    expect(pairs(poly)).toContainEqual([20, 20]);
  });
});

describe('maskToPolygon / polygonToMask', () => {
  it('places the polygon in image pixels using the region offset', () => {
    const poly = maskToPolygon(art(['##', '##'], 10, 20));
    expect(Array.from(poly)).toEqual([10, 20, 12, 20, 12, 22, 10, 22]);
  });

  it('keeps the L-shape corners and rasterises back to the same pixels', () => {
    const m = art(['##....', '##....', '##....', '######', '######'], 3, 2);
    const poly = maskToPolygon(m);
    expect(poly.length / 2).toBe(6);
    expect(Array.from(polygonToMask(poly, 12, 9))).toEqual(Array.from(maskToFull(m, 12, 9)));
  });

  it('returns the largest of two blobs, or all of them largest first', () => {
    const m = art(['##.....', '##.....', '....###', '....###', '....###']);
    expect(Array.from(maskToPolygon(m))).toEqual([4, 2, 7, 2, 7, 5, 4, 5]);
    expect(maskToPolygons(m).map((p) => p.length / 2)).toEqual([4, 4]);
    expect(maskToPolygon(art(['..', '..'])).length).toBe(0);
  });

  it('agrees with the RLE of a disc within IoU 0.95', () => {
    const w = 64;
    const h = 48;
    const data = new Uint8Array(40 * 40);
    for (let y = 0; y < 40; y++)
      for (let x = 0; x < 40; x++) data[y * 40 + x] = (x - 19.5) ** 2 + (y - 19.5) ** 2 < 18 ** 2 ? 1 : 0;
    const m: RegionMask = { x0: 10, y0: 4, width: 40, height: 40, data };
    const fromPoly = polygonToMask(maskToPolygon(m), w, h);
    const fromRle = rleToMask(maskToRle(m, w, h));
    expect(maskIoU(fromPoly, fromRle)).toBeGreaterThanOrEqual(0.95);
    expect(maskIoU(fromPoly, fromRle)).toBeLessThan(1); // simplification did change the outline a little
  });
});
