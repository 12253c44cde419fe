/** IoU of two xyxy boxes given as (array, offset) pairs. */
export function boxIou(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number): number {
  const ix1 = Math.max(a[ao], b[bo]);
  const iy1 = Math.max(a[ao + 1], b[bo + 1]);
  const ix2 = Math.min(a[ao + 2], b[bo + 2]);
  const iy2 = Math.min(a[ao + 3], b[bo + 3]);
  const iw = ix2 - ix1;
  const ih = iy2 - iy1;
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = (a[ao + 2] - a[ao]) * (a[ao + 3] - a[ao + 1]);
  const areaB = (b[bo + 2] - b[bo]) * (b[bo + 3] - b[bo + 1]);
  const union = areaA + areaB - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Cost matrix (rows = track boxes, cols = detection boxes, both flat xyxy) of
 * `1 − IoU`, or `1 − IoU × score` when `scores` is given (ByteTrack's score fusion,
 * which favours confident detections among overlapping candidates).
 */
export function iouCost(
  trackBoxes: Float64Array,
  detBoxes: ArrayLike<number>,
  detIndex: readonly number[],
  scores?: ArrayLike<number>,
): Float64Array {
  const rows = trackBoxes.length / 4;
  const cols = detIndex.length;
  const cost = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const d = detIndex[c];
      const iou = boxIou(trackBoxes, r * 4, detBoxes, d * 4);
      cost[r * cols + c] = 1 - (scores ? iou * scores[d] : iou);
    }
  }
  return cost;
}
