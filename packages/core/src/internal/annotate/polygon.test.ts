import { describe, expect, it } from 'vitest';
import { Detections } from '../detections/detections.js';
import type { RgbImage } from '../image/types.js';
import { PolygonAnnotator, polygonsOf } from './polygon.js';

const blank = (w: number, h: number): RgbImage => ({ data: new Uint8Array(w * h * 3), width: w, height: h });
const isSet = (img: RgbImage, x: number, y: number) => img.data[(y * img.width + x) * 3 + 1] !== 0;
function withPolygons(polygon: unknown[]): Detections {
  const n = polygon.length;
  return new Detections({
    xyxy: new Float32Array(n * 4),
    confidence: new Float32Array(n).fill(0.9),
    classId: new Int32Array(n),
    data: { polygon },
  });
}
/** Distance from (px, py) to the segment a-b. */
function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

describe('polygonsOf', () => {
  it('accepts one flat array, typed or plain, or a list of them', () => {
    const f = Float32Array.of(1, 2, 3, 4);
    expect(polygonsOf(f)).toEqual([f]);
    expect(polygonsOf([1, 2, 3, 4])).toEqual([[1, 2, 3, 4]]);
    expect(polygonsOf([f, [5, 6, 7, 8]])).toEqual([f, [5, 6, 7, 8]]);
    expect(polygonsOf(undefined)).toEqual([]);
    expect(polygonsOf('nope')).toEqual([]);
  });
});

describe('PolygonAnnotator', () => {
  it('draws only pixels on the closed outline, every edge included', () => {
    const pts = [20, 20, 80, 20, 80, 60, 30, 70];
    const out = new PolygonAnnotator({ thickness: 1, color: '#00ff00' }).annotate(
      blank(100, 90),
      withPolygons([Float32Array.from(pts)]),
    );
    for (const [x, y] of [
      [50, 20],
      [80, 40],
      [55, 65],
      [25, 45], // the closing edge back to the start
    ]) {
      expect(isSet(out, x, y), `${x},${y}`).toBe(true);
    }
    expect(isSet(out, 50, 40)).toBe(false);
    let set = 0;
    for (let y = 0; y < 90; y++) {
      for (let x = 0; x < 100; x++) {
        if (!isSet(out, x, y)) continue;
        set++;
        let d = Number.POSITIVE_INFINITY;
        for (let k = 0; k < 4; k++) {
          const j = (k + 1) % 4;
          d = Math.min(d, segDist(x, y, pts[2 * k], pts[2 * k + 1], pts[2 * j], pts[2 * j + 1]));
        }
        expect(d).toBeLessThan(1);
      }
    }
    expect(set).toBeGreaterThan(180);
  });

  it('draws lines exactly `thickness` pixels wide across a straight edge', () => {
    const out = new PolygonAnnotator({ thickness: 3, color: '#00ff00' }).annotate(
      blank(100, 100),
      withPolygons([Float32Array.of(10, 50, 90, 50, 90, 90, 10, 90)]),
    );
    const column = Array.from({ length: 100 }, (_, y) => isSet(out, 50, y));
    expect(column.slice(45, 56)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('draws several parts per detection and skips detections without polygons', () => {
    const out = new PolygonAnnotator({ thickness: 1, color: '#00ff00' }).annotate(
      blank(60, 60),
      withPolygons([[Float32Array.of(5, 5, 20, 5, 20, 20), [40, 40, 55, 40, 55, 55]], undefined]),
    );
    expect(isSet(out, 12, 5)).toBe(true);
    expect(isSet(out, 47, 40)).toBe(true);
  });

  it('copes with polygons far outside the image', () => {
    const input = blank(40, 40);
    const out = new PolygonAnnotator({ thickness: 2 }).annotate(
      input,
      withPolygons([Float32Array.of(-1e9, -1e9, 1e9, -1e9, 1e9, 20, -1e9, 20)]),
    );
    // only the edge along y = 20 crosses the image
    for (let x = 0; x < 40; x++) expect(isSet(out, x, 20)).toBe(true);
    expect(isSet(out, 20, 10)).toBe(false);
  });
});
