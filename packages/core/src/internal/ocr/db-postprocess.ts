import { convexHull, minAreaRect, rectCorners, unclipRect } from './geometry.js';
import type { Quad } from './types.js';

/** Settings of the DB (differentiable binarisation) box extraction. */
export interface DbOptions {
  /** Probability above which a pixel counts as text (default 0.3). */
  threshold?: number;
  /** Minimum mean probability inside a box (default 0.6). */
  boxThreshold?: number;
  /** How far boxes grow back out, as area * ratio / perimeter (default 1.6). */
  unclipRatio?: number;
  /** Boxes whose short side is below this many map pixels are dropped (default 3). */
  minSize?: number;
  /** At most this many regions are considered, largest first (default 1000). */
  maxCandidates?: number;
}

/** A text region found in the probability map, in map pixels (edge convention). */
export interface DbBox {
  quad: Quad;
  score: number;
}

/** Pixels of one 8-connected region: its rows' leftmost and rightmost columns. */
interface Region {
  top: number;
  left: Int32Array;
  right: Int32Array;
  pixels: number;
}

/**
 * 8-connected regions of `prob > threshold`, found by flood fill with an
 * explicit stack, each reduced to per-row extents (all the hull needs).
 */
function findRegions(prob: Float32Array, width: number, height: number, threshold: number): Region[] {
  const size = width * height;
  const state = new Uint8Array(size); // 1 = text, 2 = visited
  for (let i = 0; i < size; i++) if (prob[i] > threshold) state[i] = 1;
  const stack = new Int32Array(size);
  const rowMin = new Int32Array(height);
  const rowMax = new Int32Array(height);
  const regions: Region[] = [];
  for (let seed = 0; seed < size; seed++) {
    if (state[seed] !== 1) continue;
    const seedY = (seed / width) | 0;
    let top = seedY;
    let bottom = seedY;
    rowMin[seedY] = width;
    rowMax[seedY] = -1;
    let pixels = 0;
    let sp = 0;
    stack[sp++] = seed;
    state[seed] = 2;
    while (sp > 0) {
      const p = stack[--sp];
      const y = (p / width) | 0;
      const x = p - y * width;
      pixels++;
      // the fill moves one row at a time, so a new row is always adjacent to the known span
      if (y < top) {
        top = y;
        rowMin[y] = width;
        rowMax[y] = -1;
      } else if (y > bottom) {
        bottom = y;
        rowMin[y] = width;
        rowMax[y] = -1;
      }
      if (x < rowMin[y]) rowMin[y] = x;
      if (x > rowMax[y]) rowMax[y] = x;
      const y0 = y > 0 ? y - 1 : 0;
      const y1 = y < height - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < width - 1 ? x + 1 : x;
      for (let ny = y0; ny <= y1; ny++) {
        for (let nx = x0, q = ny * width + x0; nx <= x1; nx++, q++) {
          if (state[q] === 1) {
            state[q] = 2;
            stack[sp++] = q;
          }
        }
      }
    }
    regions.push({ top, left: rowMin.slice(top, bottom + 1), right: rowMax.slice(top, bottom + 1), pixels });
  }
  return regions;
}

/** Mean probability of the map cells whose centres lie inside a convex quad. */
function quadMeanScore(prob: Float32Array, width: number, height: number, q: Quad): number {
  let minX = q[0];
  let maxX = q[0];
  let minY = q[1];
  let maxY = q[1];
  for (let i = 2; i < 8; i += 2) {
    minX = Math.min(minX, q[i]);
    maxX = Math.max(maxX, q[i]);
    minY = Math.min(minY, q[i + 1]);
    maxY = Math.max(maxY, q[i + 1]);
  }
  const xs = Math.max(0, Math.floor(minX));
  const xe = Math.min(width - 1, Math.ceil(maxX));
  const ys = Math.max(0, Math.floor(minY));
  const ye = Math.min(height - 1, Math.ceil(maxY));
  // signed-area sign tells which side of every edge is "inside"
  let area = 0;
  for (let i = 0; i < 4; i++) {
    const j = (i + 1) % 4;
    area += q[2 * i] * q[2 * j + 1] - q[2 * j] * q[2 * i + 1];
  }
  const sign = area >= 0 ? 1 : -1;
  let sum = 0;
  let count = 0;
  for (let y = ys; y <= ye; y++) {
    const cy = y + 0.5;
    for (let x = xs; x <= xe; x++) {
      const cx = x + 0.5;
      let inside = true;
      for (let i = 0; i < 4 && inside; i++) {
        const j = (i + 1) % 4;
        const cross =
          (q[2 * j] - q[2 * i]) * (cy - q[2 * i + 1]) - (q[2 * j + 1] - q[2 * i + 1]) * (cx - q[2 * i]);
        if (cross * sign < -1e-6) inside = false;
      }
      if (inside) {
        sum += prob[y * width + x];
        count++;
      }
    }
  }
  return count > 0 ? sum / count : 0;
}

/**
 * Turn a DB probability map into text boxes: binarise, take connected
 * regions, fit the smallest rotated rectangle to each, keep those whose mean
 * probability is high enough, and grow them back out (the model predicts
 * shrunk text kernels).
 *
 * @param prob `[height, width]` probabilities.
 * @example
 * dbBoxes(map, 64, 32).map((b) => b.score) // [0.93]
 */
export function dbBoxes(prob: Float32Array, width: number, height: number, options: DbOptions = {}): DbBox[] {
  const threshold = options.threshold ?? 0.3;
  const boxThreshold = options.boxThreshold ?? 0.6;
  const unclipRatio = options.unclipRatio ?? 1.6;
  const minSize = options.minSize ?? 3;
  const maxCandidates = options.maxCandidates ?? 1000;
  let regions = findRegions(prob, width, height, threshold);
  if (regions.length > maxCandidates)
    regions = regions.sort((a, b) => b.pixels - a.pixels).slice(0, maxCandidates);
  const boxes: DbBox[] = [];
  for (const region of regions) {
    const rows = region.left.length;
    // the outline of a region is made of its rows' end pixels, taken as whole squares
    const pts = new Float64Array(rows * 8);
    for (let r = 0; r < rows; r++) {
      const y = region.top + r;
      const l = region.left[r];
      const rt = region.right[r] + 1;
      pts.set([l, y, rt, y, l, y + 1, rt, y + 1], r * 8);
    }
    const rect = minAreaRect(convexHull(pts));
    if (Math.min(rect.width, rect.height) < minSize) continue;
    const score = quadMeanScore(prob, width, height, rectCorners(rect));
    if (score < boxThreshold) continue;
    const grown = unclipRect(rect, unclipRatio);
    if (Math.min(grown.width, grown.height) < minSize + 2) continue;
    boxes.push({ quad: rectCorners(grown), score });
  }
  return boxes;
}
