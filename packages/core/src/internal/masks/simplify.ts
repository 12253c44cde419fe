/**
 * Douglas-Peucker simplification of polylines and closed polygons given as
 * flat x, y pairs. Iterative (explicit stack), so long contours cannot
 * overflow the call stack.
 */

/** Squared distance from (px, py) to the segment (ax, ay)-(bx, by). */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/** Mark in `keep` the points of [first, last] that Douglas-Peucker retains (endpoints included). */
function markKept(pts: ArrayLike<number>, first: number, last: number, eps2: number, keep: Uint8Array): void {
  keep[first] = 1;
  keep[last] = 1;
  const stack: number[] = [first, last];
  while (stack.length > 0) {
    const b = stack.pop()!;
    const a = stack.pop()!;
    let worst = -1;
    let worstD = eps2;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(
        pts[2 * i],
        pts[2 * i + 1],
        pts[2 * a],
        pts[2 * a + 1],
        pts[2 * b],
        pts[2 * b + 1],
      );
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push(a, worst, worst, b);
    }
  }
}

function collect(pts: ArrayLike<number>, keep: Uint8Array): Float32Array {
  let m = 0;
  for (let i = 0; i < keep.length; i++) m += keep[i];
  const out = new Float32Array(m * 2);
  let o = 0;
  for (let i = 0; i < keep.length; i++) {
    if (!keep[i]) continue;
    out[o++] = pts[2 * i];
    out[o++] = pts[2 * i + 1];
  }
  return out;
}

/**
 * Simplify an open polyline: points farther than `epsilon` from the simplified
 * line are kept; the endpoints always are.
 *
 * @example
 * simplifyPolyline([0,0, 1,0.1, 2,0, 3,5], 0.5) // Float32Array [0,0, 2,0, 3,5]
 */
export function simplifyPolyline(points: ArrayLike<number>, epsilon: number): Float32Array {
  const n = points.length >> 1;
  if (n <= 2) return Float32Array.from(points);
  const keep = new Uint8Array(n);
  markKept(points, 0, n - 1, epsilon * epsilon, keep);
  return collect(points, keep);
}

/**
 * Simplify a closed polygon (the last point joins the first; do not repeat it).
 * The ring is split at the vertex farthest from the first one, which keeps
 * both anchors on the outline, and each half is simplified separately.
 *
 * @example
 * // a square with a redundant midpoint on each side keeps its 4 corners
 * simplifyPolygon([0,0, 5,0, 10,0, 10,5, 10,10, 5,10, 0,10, 0,5], 0.5).length // 8
 */
export function simplifyPolygon(points: ArrayLike<number>, epsilon: number): Float32Array {
  const n = points.length >> 1;
  if (n <= 3) return Float32Array.from(points);
  let far = 0;
  let farD = -1;
  for (let i = 1; i < n; i++) {
    const dx = points[2 * i] - points[0];
    const dy = points[2 * i + 1] - points[1];
    const d = dx * dx + dy * dy;
    if (d > farD) {
      farD = d;
      far = i;
    }
  }
  // Close the ring by appending the first point, so the second half ends where the first began.
  const ring = new Float64Array(2 * (n + 1));
  for (let i = 0; i < 2 * n; i++) ring[i] = points[i];
  ring[2 * n] = points[0];
  ring[2 * n + 1] = points[1];
  const keep = new Uint8Array(n + 1);
  const eps2 = epsilon * epsilon;
  markKept(ring, 0, far, eps2, keep);
  markKept(ring, far, n, eps2, keep);
  return collect(ring, keep.subarray(0, n));
}
