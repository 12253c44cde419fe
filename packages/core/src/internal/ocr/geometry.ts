import type { Quad } from './types.js';

/** A rotated rectangle: centre, side lengths and the direction of the `width` side (radians). */
export interface RotatedRect {
  cx: number;
  cy: number;
  width: number;
  height: number;
  angle: number;
}

/**
 * Convex hull of points given as `[x0,y0, x1,y1, ...]` (monotone chain).
 * Collinear points are dropped; the winding direction does not matter to the callers.
 */
export function convexHull(points: Float64Array | Float32Array | number[]): Float64Array {
  const n = points.length >> 1;
  if (n < 3) return Float64Array.from(points);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((i, j) => points[2 * i] - points[2 * j] || points[2 * i + 1] - points[2 * j + 1]);
  const hull = new Uint32Array(2 * n + 1);
  let k = 0;
  const cross = (o: number, a: number, b: number) =>
    (points[2 * a] - points[2 * o]) * (points[2 * b + 1] - points[2 * o + 1]) -
    (points[2 * a + 1] - points[2 * o + 1]) * (points[2 * b] - points[2 * o]);
  for (let i = 0; i < n; i++) {
    while (k >= 2 && cross(hull[k - 2], hull[k - 1], order[i]) <= 0) k--;
    hull[k++] = order[i];
  }
  for (let i = n - 2, lower = k + 1; i >= 0; i--) {
    while (k >= lower && cross(hull[k - 2], hull[k - 1], order[i]) <= 0) k--;
    hull[k++] = order[i];
  }
  const m = k - 1; // the last point repeats the first
  const out = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    out[2 * i] = points[2 * hull[i]];
    out[2 * i + 1] = points[2 * hull[i] + 1];
  }
  return out;
}

/**
 * Smallest-area rectangle enclosing a convex polygon: the best rectangle has
 * one side on a hull edge, so try every edge (rotating-calipers idea, done
 * directly since text hulls have few vertices).
 */
export function minAreaRect(hull: Float64Array): RotatedRect {
  const n = hull.length >> 1;
  if (n === 0) return { cx: 0, cy: 0, width: 0, height: 0, angle: 0 };
  let best: RotatedRect = { cx: hull[0], cy: hull[1], width: 0, height: 0, angle: 0 };
  let bestArea = Number.POSITIVE_INFINITY;
  for (let i = 0; i < Math.max(1, n); i++) {
    const j = (i + 1) % n;
    let ux = hull[2 * j] - hull[2 * i];
    let uy = hull[2 * j + 1] - hull[2 * i + 1];
    const len = Math.hypot(ux, uy);
    if (len < 1e-12) {
      if (n > 1) continue;
      ux = 1;
      uy = 0;
    } else {
      ux /= len;
      uy /= len;
    }
    let minU = Number.POSITIVE_INFINITY;
    let maxU = Number.NEGATIVE_INFINITY;
    let minV = Number.POSITIVE_INFINITY;
    let maxV = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < n; k++) {
      const x = hull[2 * k];
      const y = hull[2 * k + 1];
      const u = x * ux + y * uy;
      const v = -x * uy + y * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const mu = (minU + maxU) / 2;
      const mv = (minV + maxV) / 2;
      best = {
        cx: mu * ux - mv * uy,
        cy: mu * uy + mv * ux,
        width: maxU - minU,
        height: maxV - minV,
        angle: Math.atan2(uy, ux),
      };
    }
  }
  return best;
}

/**
 * Grow a rectangle outwards by the DB "unclip" distance `area * ratio / perimeter`
 * on every side. Offsetting a rectangle by d and taking the tightest rectangle
 * again gives exactly the sides + 2d, so no polygon clipping is needed.
 */
export function unclipRect(r: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (r.width + r.height);
  if (perimeter <= 0) return r;
  const d = (r.width * r.height * ratio) / perimeter;
  return { ...r, width: r.width + 2 * d, height: r.height + 2 * d };
}

/**
 * Corners of a rotated rectangle ordered top-left, top-right, bottom-right,
 * bottom-left (y down): the two leftmost corners give the left side, and in
 * each side the upper one comes first.
 */
export function rectCorners(r: RotatedRect): Quad {
  const c = Math.cos(r.angle);
  const s = Math.sin(r.angle);
  const hw = r.width / 2;
  const hh = r.height / 2;
  const pts: [number, number][] = [
    [r.cx - hw * c + hh * s, r.cy - hw * s - hh * c],
    [r.cx + hw * c + hh * s, r.cy + hw * s - hh * c],
    [r.cx + hw * c - hh * s, r.cy + hw * s + hh * c],
    [r.cx - hw * c - hh * s, r.cy - hw * s + hh * c],
  ];
  pts.sort((p, q) => p[0] - q[0]);
  const [l1, l2] = pts[0][1] <= pts[1][1] ? [pts[0], pts[1]] : [pts[1], pts[0]];
  const [r1, r2] = pts[2][1] <= pts[3][1] ? [pts[2], pts[3]] : [pts[3], pts[2]];
  return Float32Array.of(l1[0], l1[1], r1[0], r1[1], r2[0], r2[1], l2[0], l2[1]);
}

/** Axis-aligned bounds `[x1, y1, x2, y2]` of a quad. */
export function quadBounds(q: Quad): [number, number, number, number] {
  let x1 = q[0];
  let y1 = q[1];
  let x2 = q[0];
  let y2 = q[1];
  for (let i = 2; i < 8; i += 2) {
    if (q[i] < x1) x1 = q[i];
    if (q[i] > x2) x2 = q[i];
    if (q[i + 1] < y1) y1 = q[i + 1];
    if (q[i + 1] > y2) y2 = q[i + 1];
  }
  return [x1, y1, x2, y2];
}
