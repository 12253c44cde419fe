import { YOLOX_DEFAULT_STRIDES, yoloxAnchorCount } from './yolox.js';

/** The two stride sets row-major YOLO exports use: P3-P5, and P3-P6 for the "6" models. */
const STRIDE_SETS: readonly (readonly number[])[] = [YOLOX_DEFAULT_STRIDES, [8, 16, 32, 64]];

/** Square input sizes tried when the input size is unknown (multiples of 32 up to 4096). */
const MAX_SQUARE = 4096;

/**
 * Tells YOLOX from YOLOv5/v7 by the number of rows of a `[1, N, 5 + C]`
 * output. Both share that shape, but YOLOX writes one row per grid cell over
 * its strides (3549 at 416: 52² + 26² + 13²) with raw grid offsets, while
 * YOLOv5 writes three anchors per cell (10647 at 416) with decoded boxes.
 *
 * With an input size, only that size is tried; without one (or when it does
 * not fit), square inputs that are multiples of 32. The two counts can never
 * both fit: 3 · 21k²/16 is not of the form 21j²/16. Returns undefined when
 * neither fits (a dynamic N, an unusual stride set): the caller must say so.
 *
 * @example
 * rowFamilyFromAnchorCount(3549, { width: 416, height: 416 });  // 'yolox'
 * rowFamilyFromAnchorCount(25200);                              // 'yolov5' (640²)
 * rowFamilyFromAnchorCount(300);                                // undefined
 */
export function rowFamilyFromAnchorCount(
  rows: number,
  input?: { width: number; height: number },
): 'yolox' | 'yolov5' | undefined {
  if (!Number.isInteger(rows) || rows <= 0) return undefined;
  const fits = (w: number, h: number): 'yolox' | 'yolov5' | undefined => {
    for (const strides of STRIDE_SETS) {
      const cells = yoloxAnchorCount(w, h, strides);
      if (cells === 0) continue;
      if (rows === cells) return 'yolox';
      if (rows === 3 * cells) return 'yolov5';
    }
    return undefined;
  };
  if (input && input.width > 0 && input.height > 0) {
    const hit = fits(input.width, input.height);
    if (hit) return hit;
  }
  for (let s = 32; s <= MAX_SQUARE; s += 32) {
    const hit = fits(s, s);
    if (hit) return hit;
  }
  return undefined;
}
