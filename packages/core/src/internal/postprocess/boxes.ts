/**
 * Box arithmetic on flat typed arrays (n×4, one box after another).
 * Formats: `xyxy` = x1, y1, x2, y2; `cxcywh` = centre x, centre y, width, height.
 */

/** Anything indexable by number, e.g. `Float32Array` or `number[]`. */
export type BoxArray = ArrayLike<number>;

/**
 * Area of box `i` of an xyxy array (0 for inverted or empty boxes).
 *
 * @example
 * boxArea(new Float32Array([0, 0, 4, 5]), 0) // 20
 */
export function boxArea(xyxy: BoxArray, i: number): number {
  const o = i * 4;
  const w = xyxy[o + 2] - xyxy[o];
  const h = xyxy[o + 3] - xyxy[o + 1];
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Intersection over union of box `i` of `a` and box `j` of `b` (both xyxy).
 * Returns 0 when the union is empty.
 *
 * @example
 * const boxes = new Float32Array([0, 0, 10, 10, 5, 0, 15, 10]);
 * iouAt(boxes, 0, boxes, 1) // 50 / 150 = 0.333…
 */
export function iouAt(a: BoxArray, i: number, b: BoxArray, j: number): number {
  const p = i * 4;
  const q = j * 4;
  const iw = Math.min(a[p + 2], b[q + 2]) - Math.max(a[p], b[q]);
  if (iw <= 0) return 0;
  const ih = Math.min(a[p + 3], b[q + 3]) - Math.max(a[p + 1], b[q + 1]);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const union = boxArea(a, i) + boxArea(b, j) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Intersection over union of two single xyxy boxes.
 *
 * @example
 * iou([0, 0, 10, 10], [0, 0, 10, 5]) // 0.5
 */
export function iou(a: BoxArray, b: BoxArray): number {
  return iouAt(a, 0, b, 0);
}

/**
 * Convert n boxes from cxcywh to xyxy. Writes into `out` (which may be `boxes`
 * itself) or a new array.
 *
 * @example
 * cxcywhToXyxy(new Float32Array([5, 5, 4, 2])) // Float32Array [3, 4, 7, 6]
 */
export function cxcywhToXyxy(
  boxes: BoxArray,
  out: Float32Array = new Float32Array(boxes.length),
): Float32Array {
  for (let o = 0; o + 3 < boxes.length; o += 4) {
    const cx = boxes[o];
    const cy = boxes[o + 1];
    const hw = boxes[o + 2] / 2;
    const hh = boxes[o + 3] / 2;
    out[o] = cx - hw;
    out[o + 1] = cy - hh;
    out[o + 2] = cx + hw;
    out[o + 3] = cy + hh;
  }
  return out;
}

/**
 * Convert n boxes from xyxy to cxcywh. Writes into `out` (which may be `boxes`
 * itself) or a new array.
 *
 * @example
 * xyxyToCxcywh(new Float32Array([3, 4, 7, 6])) // Float32Array [5, 5, 4, 2]
 */
export function xyxyToCxcywh(
  boxes: BoxArray,
  out: Float32Array = new Float32Array(boxes.length),
): Float32Array {
  for (let o = 0; o + 3 < boxes.length; o += 4) {
    const x1 = boxes[o];
    const y1 = boxes[o + 1];
    const x2 = boxes[o + 2];
    const y2 = boxes[o + 3];
    out[o] = (x1 + x2) / 2;
    out[o + 1] = (y1 + y2) / 2;
    out[o + 2] = x2 - x1;
    out[o + 3] = y2 - y1;
  }
  return out;
}
