import type { RegionMask } from '../detections/mask.js';
import { findContours, largestContour } from './contours.js';
import { simplifyPolygon } from './simplify.js';

/** Options of {@link maskToPolygon}. */
export interface MaskToPolygonOptions {
  /** Douglas-Peucker tolerance in pixels (default 0.75: removes pixel staircases, keeps corners). 0 keeps every turn. */
  epsilon?: number;
}

/**
 * The outline of a region mask as a polygon in image pixels: the outer
 * contour of the largest component (by enclosed area), simplified. Vertices
 * lie on pixel corners, so the polygon of a mask filling pixels 10..19 spans
 * 10..20, like the box. Holes are not represented.
 *
 * @returns x, y pairs (no repeated closing point); empty when the mask is empty
 * @example
 * const m = { x0: 10, y0: 20, width: 2, height: 2, data: new Uint8Array([1, 1, 1, 1]) };
 * maskToPolygon(m) // Float32Array [10,20, 12,20, 12,22, 10,22]
 */
export function maskToPolygon(mask: RegionMask, opts: MaskToPolygonOptions = {}): Float32Array {
  const best = largestContour(findContours(mask.data, mask.width, mask.height));
  if (!best) return new Float32Array(0);
  return offset(simplifyPolygon(best.points, opts.epsilon ?? 0.75), mask.x0, mask.y0);
}

/**
 * Every outer contour of a region mask (one per 8-connected component),
 * largest first, simplified, in image pixels.
 */
export function maskToPolygons(mask: RegionMask, opts: MaskToPolygonOptions = {}): Float32Array[] {
  return findContours(mask.data, mask.width, mask.height)
    .sort((a, b) => b.area - a.area)
    .map((c) => offset(simplifyPolygon(c.points, opts.epsilon ?? 0.75), mask.x0, mask.y0));
}

function offset(pts: Float32Array, dx: number, dy: number): Float32Array {
  for (let i = 0; i < pts.length; i += 2) {
    pts[i] += dx;
    pts[i + 1] += dy;
  }
  return pts;
}

/**
 * Rasterise a closed polygon into a full `width × height` bitmap (row-major):
 * a pixel is set when its centre is inside (even-odd rule). The inverse of
 * {@link maskToPolygon} for unsimplified outlines.
 *
 * @param polygon x, y pairs in image pixels
 * @example
 * polygonToMask(new Float32Array([1,1, 3,1, 3,3, 1,3]), 4, 4) // pixels (1..2, 1..2) set
 */
export function polygonToMask(polygon: ArrayLike<number>, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const n = polygon.length >> 1;
  if (n < 3) return out;
  const xs = new Float64Array(n);
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    let k = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const yi = polygon[2 * i + 1];
      const yj = polygon[2 * j + 1];
      // Half-open rule on y so a vertex shared by two edges is counted once.
      if (yi <= cy !== yj <= cy) {
        const xi = polygon[2 * i];
        const xj = polygon[2 * j];
        xs[k++] = xi + ((cy - yi) * (xj - xi)) / (yj - yi);
      }
    }
    const cross = xs.subarray(0, k).sort();
    for (let c = 0; c + 1 < k; c += 2) {
      // Pixel x is inside when x + 0.5 lies in [left, right).
      const from = Math.max(0, Math.ceil(cross[c] - 0.5));
      const to = Math.min(width, Math.ceil(cross[c + 1] - 0.5));
      if (to > from) out.fill(1, y * width + from, y * width + to);
    }
  }
  return out;
}
