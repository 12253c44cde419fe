/**
 * Intersection over union of two equal-length binary bitmaps (non-zero = set).
 * Two empty masks have IoU 1.
 *
 * @example
 * maskIoU(new Uint8Array([1, 1, 0]), new Uint8Array([1, 0, 0])) // 0.5
 */
export function maskIoU(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`masks differ in size: ${a.length} vs ${b.length}`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union === 0 ? 1 : inter / union;
}
