import { argsortDescending } from './filter.js';

/** Options of {@link nms}. */
export interface NmsOptions {
  /** A box is suppressed when its IoU with a kept, higher-scoring box is strictly greater than this. */
  iouThreshold: number;
  /** Class of each box. Without it (or with `classAgnostic`), all boxes compete with each other. */
  classIds?: ArrayLike<number>;
  /** Suppress across classes even when `classIds` is given. */
  classAgnostic?: boolean;
  /** Keep at most this many boxes (default: all). */
  maxDetections?: number;
  /**
   * Candidate indices already sorted by descending score (e.g. from
   * `topKByScore`). Defaults to every box, sorted here.
   */
  order?: Uint32Array;
}

/**
 * Greedy non-maximum suppression on n×4 xyxy boxes.
 *
 * Class-aware by default when `classIds` is given: boxes are bucketed per
 * class (a stable counting sort keeps each bucket in score order) so that
 * boxes of different classes are never even compared.
 *
 * @returns kept box indices, sorted by descending score, at most `maxDetections`.
 * @example
 * const boxes = new Float32Array([0, 0, 10, 10, 1, 0, 11, 10, 50, 50, 60, 60]);
 * nms(boxes, new Float32Array([0.9, 0.8, 0.7]), { iouThreshold: 0.5 }) // Uint32Array [0, 2]
 */
export function nms(xyxy: Float32Array, scores: ArrayLike<number>, options: NmsOptions): Uint32Array {
  const order = options.order ?? argsortDescending(scores);
  const maxDet = Math.max(0, Math.min(options.maxDetections ?? order.length, order.length));
  if (maxDet === 0 || order.length === 0) return new Uint32Array(0);
  const classIds = options.classAgnostic ? undefined : options.classIds;
  if (!classIds) {
    const kept = new Uint32Array(maxDet);
    const n = greedy(xyxy, order, options.iouThreshold, kept, 0, maxDet);
    return kept.slice(0, n);
  }

  const buckets = bucketByClass(order, classIds);
  const kept = new Uint32Array(order.length);
  let n = 0;
  for (let b = 0; b + 1 < buckets.starts.length; b++) {
    const start = buckets.starts[b];
    const end = buckets.starts[b + 1];
    if (end > start) {
      // A class can contribute no more than maxDet boxes in total.
      n = greedy(xyxy, buckets.order.subarray(start, end), options.iouThreshold, kept, n, n + maxDet);
    }
  }
  // Buckets were each in score order; restore the global order, then cap.
  const merged = argsortDescending(scores, kept.subarray(0, n));
  return merged.slice(0, maxDet);
}

/**
 * Greedy suppression over `order` (score-descending). Appends kept indices to
 * `out` from `at`, stopping at `limit`; returns the new end position.
 */
function greedy(
  xyxy: Float32Array,
  order: Uint32Array,
  threshold: number,
  out: Uint32Array,
  at: number,
  limit: number,
): number {
  const m = order.length;
  const suppressed = new Uint8Array(m);
  // Box coordinates and areas gathered in order so the inner loop reads contiguously.
  const b = new Float32Array(m * 4);
  const area = new Float32Array(m);
  for (let k = 0; k < m; k++) {
    const o = order[k] * 4;
    const x1 = xyxy[o];
    const y1 = xyxy[o + 1];
    const x2 = xyxy[o + 2];
    const y2 = xyxy[o + 3];
    b[k * 4] = x1;
    b[k * 4 + 1] = y1;
    b[k * 4 + 2] = x2;
    b[k * 4 + 3] = y2;
    area[k] = x2 > x1 && y2 > y1 ? (x2 - x1) * (y2 - y1) : 0;
  }
  let n = at;
  for (let i = 0; i < m && n < limit; i++) {
    if (suppressed[i]) continue;
    out[n++] = order[i];
    const ax1 = b[i * 4];
    const ay1 = b[i * 4 + 1];
    const ax2 = b[i * 4 + 2];
    const ay2 = b[i * 4 + 3];
    const aa = area[i];
    for (let j = i + 1; j < m; j++) {
      if (suppressed[j]) continue;
      const iw = Math.min(ax2, b[j * 4 + 2]) - Math.max(ax1, b[j * 4]);
      if (iw <= 0) continue;
      const ih = Math.min(ay2, b[j * 4 + 3]) - Math.max(ay1, b[j * 4 + 1]);
      if (ih <= 0) continue;
      const inter = iw * ih;
      const union = aa + area[j] - inter;
      if (union > 0 && inter / union > threshold) suppressed[j] = 1;
    }
  }
  return n;
}

/** Stable counting sort of `order` by class: bucket c is `order[starts[c]..starts[c+1])`. */
function bucketByClass(
  order: Uint32Array,
  classIds: ArrayLike<number>,
): { order: Uint32Array; starts: Uint32Array } {
  let maxClass = 0;
  for (let k = 0; k < order.length; k++) {
    const c = classIds[order[k]];
    if (c > maxClass) maxClass = c;
  }
  const starts = new Uint32Array(maxClass + 2);
  for (let k = 0; k < order.length; k++) starts[Math.max(0, classIds[order[k]]) + 1]++;
  for (let c = 1; c < starts.length; c++) starts[c] += starts[c - 1];
  const fill = starts.slice(0, maxClass + 1);
  const sorted = new Uint32Array(order.length);
  for (let k = 0; k < order.length; k++) sorted[fill[Math.max(0, classIds[order[k]])]++] = order[k];
  return { order: sorted, starts };
}
