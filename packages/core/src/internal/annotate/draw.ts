import type { RegionMask } from '../detections/mask.js';
import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import type { Color } from './colors.js';

/**
 * Drawing primitives on interleaved RGB bytes. Every function clips to the
 * image (shapes partly or wholly outside are fine) and ignores non-finite
 * coordinates. Coordinates are pixel indices: pixel (x, y) starts at byte
 * `(y * width + x) * 3`.
 */

/**
 * Fill the half-open rectangle `[x0, x1) × [y0, y1)` (coordinates are floored).
 * @example
 * fillRect(img, 10, 10, 20, 15, [255, 0, 0]) // 10×5 red pixels
 */
export function fillRect(
  image: RgbImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: Color,
): void {
  const { width, height, data } = image;
  const xa = Math.max(0, Math.floor(x0));
  const xb = Math.min(width, Math.floor(x1));
  const ya = Math.max(0, Math.floor(y0));
  const yb = Math.min(height, Math.floor(y1));
  if (!(xa < xb && ya < yb)) return;
  const stride = width * 3;
  const first = ya * stride + xa * 3;
  const end = first + (xb - xa) * 3;
  const r = color[0];
  const g = color[1];
  const b = color[2];
  for (let p = first; p < end; p += 3) {
    data[p] = r;
    data[p + 1] = g;
    data[p + 2] = b;
  }
  // Later rows are byte copies of the first: memmove beats the per-pixel loop.
  for (let y = ya + 1; y < yb; y++) data.copyWithin(y * stride + xa * 3, first, end);
}

/**
 * Outline the box `x1, y1, x2, y2` (rounded; pixels `[x1, x2) × [y1, y2)`) with
 * a stroke `thickness` pixels wide drawn inside the box, so the outline never
 * grows the box. Boxes thinner than two strokes are filled.
 */
export function strokeRect(
  image: RgbImage,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  color: Color,
  thickness: number,
): void {
  if (!(Number.isFinite(x1) && Number.isFinite(y1) && Number.isFinite(x2) && Number.isFinite(y2))) return;
  const t = Math.max(1, Math.round(thickness));
  const left = Math.round(Math.min(x1, x2));
  const top = Math.round(Math.min(y1, y2));
  const right = Math.max(left + 1, Math.round(Math.max(x1, x2)));
  const bottom = Math.max(top + 1, Math.round(Math.max(y1, y2)));
  if (right - left <= 2 * t || bottom - top <= 2 * t) {
    fillRect(image, left, top, right, bottom, color);
    return;
  }
  fillRect(image, left, top, right, top + t, color);
  fillRect(image, left, bottom - t, right, bottom, color);
  fillRect(image, left, top + t, left + t, bottom - t, color);
  fillRect(image, right - t, top + t, right, bottom - t, color);
}

/**
 * A straight line from (xa, ya) to (xb, yb) (rounded), `thickness` pixels wide
 * measured across the line. Bresenham steps along the major axis and paints a
 * span across the minor one; the span is lengthened on diagonals so the
 * perpendicular width stays close to `thickness`. Ends are square; callers that
 * join segments add round joints with {@link fillCircle}.
 */
export function drawLine(
  image: RgbImage,
  xa: number,
  ya: number,
  xb: number,
  yb: number,
  color: Color,
  thickness = 1,
): void {
  const { width, height, data } = image;
  const t = Math.max(1, Math.round(thickness));
  // Clip first so a far-away endpoint (e.g. 1e9) costs nothing.
  const m = t + 1;
  const c = clipSegment(xa, ya, xb, yb, -m, -m, width - 1 + m, height - 1 + m);
  if (!c) return;
  let x = Math.round(c[0]);
  let y = Math.round(c[1]);
  const xEnd = Math.round(c[2]);
  const yEnd = Math.round(c[3]);
  const dx = Math.abs(xEnd - x);
  const dy = Math.abs(yEnd - y);
  const sx = x < xEnd ? 1 : -1;
  const sy = y < yEnd ? 1 : -1;
  const xMajor = dx >= dy;
  const major = Math.max(dx, dy);
  const span = t === 1 || major === 0 ? t : Math.max(1, Math.round((t * Math.hypot(dx, dy)) / major));
  const lo = -((span - 1) >> 1);
  const stride = width * 3;
  const r = color[0];
  const g = color[1];
  const b = color[2];
  let err = dx - dy;
  for (;;) {
    if (xMajor) {
      if (x >= 0 && x < width) {
        const ys = Math.max(0, y + lo);
        const ye = Math.min(height, y + lo + span);
        for (let yy = ys, p = ys * stride + x * 3; yy < ye; yy++, p += stride) {
          data[p] = r;
          data[p + 1] = g;
          data[p + 2] = b;
        }
      }
    } else if (y >= 0 && y < height) {
      const xs = Math.max(0, x + lo);
      const xe = Math.min(width, x + lo + span);
      for (let p = y * stride + xs * 3, pe = y * stride + xe * 3; p < pe; p += 3) {
        data[p] = r;
        data[p + 1] = g;
        data[p + 2] = b;
      }
    }
    if (x === xEnd && y === yEnd) break;
    const e2 = 2 * err;
    if (e2 > -dy) {
      err -= dy;
      x += sx;
    }
    if (e2 < dx) {
      err += dx;
      y += sy;
    }
  }
}

/**
 * Liang–Barsky: the part of a segment inside `[xmin, xmax] × [ymin, ymax]`,
 * or null when none of it is (or a coordinate is not finite).
 */
export function clipSegment(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  xmin: number,
  ymin: number,
  xmax: number,
  ymax: number,
): [number, number, number, number] | null {
  if (!(Number.isFinite(x0) && Number.isFinite(y0) && Number.isFinite(x1) && Number.isFinite(y1)))
    return null;
  const dx = x1 - x0;
  const dy = y1 - y0;
  let t0 = 0;
  let t1 = 1;
  const edges: [number, number][] = [
    [-dx, x0 - xmin],
    [dx, xmax - x0],
    [-dy, y0 - ymin],
    [dy, ymax - y0],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  return [x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy];
}

/**
 * A filled disc centred on (cx, cy) (rounded): pixel offsets (dx, dy) with
 * `dx² + dy² <= (radius + 0.5)²`, so the horizontal and vertical extent from
 * the centre is exactly `round(radius)`. Radius 0 is one pixel.
 */
export function fillCircle(image: RgbImage, cx: number, cy: number, radius: number, color: Color): void {
  if (!(Number.isFinite(cx) && Number.isFinite(cy) && Number.isFinite(radius))) return;
  const { width, height, data } = image;
  const x0 = Math.round(cx);
  const y0 = Math.round(cy);
  const rad = Math.max(0, Math.round(radius));
  const lim = (rad + 0.5) * (rad + 0.5);
  const stride = width * 3;
  const r = color[0];
  const g = color[1];
  const b = color[2];
  for (let dy = -rad; dy <= rad; dy++) {
    const y = y0 + dy;
    if (y < 0 || y >= height) continue;
    const half = Math.floor(Math.sqrt(lim - dy * dy));
    const xs = Math.max(0, x0 - half);
    const xe = Math.min(width, x0 + half + 1);
    for (let p = y * stride + xs * 3, pe = y * stride + xe * 3; p < pe; p += 3) {
      data[p] = r;
      data[p + 1] = g;
      data[p + 2] = b;
    }
  }
}

/**
 * The 0..256 integer alpha used by {@link blendMask} for an opacity in 0..1.
 * @example
 * opacityToAlpha(0.5) // 128
 */
export function opacityToAlpha(opacity: number): number {
  if (!Number.isFinite(opacity)) return 0;
  return Math.round(Math.min(1, Math.max(0, opacity)) * 256);
}

/**
 * Blend `color` over the set pixels of a region mask with integer arithmetic:
 * `out = (src * (256 - a) + color * a + 128) >> 8` with `a = opacityToAlpha(opacity)`,
 * so opacity 1 gives exactly `color` and 0 leaves the image untouched.
 * @throws InferenceError `CORE_ERR_INVALID_PARAMETER` when the mask has fewer than `width * height` bytes.
 */
export function blendMask(image: RgbImage, mask: RegionMask, color: Color, opacity: number): void {
  const a = opacityToAlpha(opacity);
  if (a === 0) return;
  const mw = mask.width;
  const mh = mask.height;
  const md = mask.data;
  if (md.length < mw * mh) {
    throw new InferenceError(
      'CORE_ERR_INVALID_PARAMETER',
      `Mask has ${md.length} bytes, expected ${mw * mh}`,
    );
  }
  const { width, height, data } = image;
  const mx = Math.round(mask.x0);
  const my = Math.round(mask.y0);
  const xs = Math.max(0, mx);
  const xe = Math.min(width, mx + mw);
  const ys = Math.max(0, my);
  const ye = Math.min(height, my + mh);
  if (!(xs < xe && ys < ye)) return;
  const inv = 256 - a;
  const cr = color[0] * a + 128;
  const cg = color[1] * a + 128;
  const cb = color[2] * a + 128;
  const stride = width * 3;
  for (let y = ys; y < ye; y++) {
    // mask index of image column x on this row is mRow + x
    const mRow = (y - my) * mw - mx;
    const pRow = y * stride;
    for (let x = xs; x < xe; x++) {
      if (md[mRow + x] === 0) continue;
      const p = pRow + x * 3;
      data[p] = (data[p] * inv + cr) >> 8;
      data[p + 1] = (data[p + 1] * inv + cg) >> 8;
      data[p + 2] = (data[p + 2] * inv + cb) >> 8;
    }
  }
}
