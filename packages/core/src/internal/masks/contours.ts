/**
 * Outer contours of a binary mask, traced along pixel edges ("crack
 * following"): vertices are pixel corners, so a contour encloses exactly the
 * pixels of its component (plus its holes) and agrees with box coordinates
 * (a mask filling pixels 0..9 has its edge at 10, like its box).
 * Components are 8-connected, as in OpenCV's outer contours.
 */

/** One closed outer contour. */
export interface Contour {
  /** x, y pairs of the turning vertices, in the mask's pixel-corner coordinates, clockwise on screen (y down). */
  points: Float32Array;
  /** Enclosed area in pixels (the component's pixels plus its holes). */
  area: number;
}

// Directions on the corner lattice, clockwise on screen: east, south, west, north.
const DX = [1, 0, -1, 0];
const DY = [0, 1, 0, -1];

/**
 * Trace the outer contour of every 8-connected component of a binary mask.
 *
 * @param data `width * height` bytes, non-zero = set (row-major)
 * @returns contours in raster order of their top-left pixel
 * @example
 * const m = new Uint8Array([0,0,0, 0,1,1, 0,1,1]); // 2×2 block at (1,1)
 * findContours(m, 3, 3)[0].points // Float32Array [1,1, 3,1, 3,3, 1,3]
 */
export function findContours(data: Uint8Array, width: number, height: number): Contour[] {
  const out: Contour[] = [];
  if (width <= 0 || height <= 0) return out;
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0 || seen[i]) continue;
    markComponent(data, width, height, i, seen, stack);
    out.push(traceFrom(data, width, height, i % width, (i / width) | 0));
  }
  return out;
}

/** The contour with the largest enclosed area, or undefined when the mask is empty. */
export function largestContour(contours: readonly Contour[]): Contour | undefined {
  let best: Contour | undefined;
  for (const c of contours) if (!best || c.area > best.area) best = c;
  return best;
}

/** Flood-fill (8-connected, explicit stack) so each component is traced once. */
function markComponent(
  data: Uint8Array,
  w: number,
  h: number,
  start: number,
  seen: Uint8Array,
  stack: Int32Array,
): void {
  let top = 0;
  stack[top++] = start;
  seen[start] = 1;
  while (top > 0) {
    const i = stack[--top];
    const x = i % w;
    const y = (i / w) | 0;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= h) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= w) continue;
        const j = ny * w + nx;
        if (data[j] !== 0 && !seen[j]) {
          seen[j] = 1;
          stack[top++] = j;
        }
      }
    }
  }
}

/**
 * Walk the corner lattice keeping the component on the right-hand side,
 * starting at the top-left corner of its first pixel in raster order, heading
 * east (that pixel's top edge is always a border). At each corner the two
 * pixels ahead decide the turn; an ahead-left pixel is reached diagonally, so
 * turning left there is what makes the trace 8-connected.
 */
function traceFrom(data: Uint8Array, w: number, h: number, sx: number, sy: number): Contour {
  const set = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && data[y * w + x] !== 0;
  const pts: number[] = [sx, sy];
  let x = sx;
  let y = sy;
  let d = 0;
  let area2 = 0;
  for (;;) {
    const nx = x + DX[d];
    const ny = y + DY[d];
    area2 += x * ny - nx * y;
    x = nx;
    y = ny;
    // Pixels ahead of corner (x, y) when moving in direction d: left-ahead and right-ahead.
    const [lx, ly, rx, ry] = ahead(x, y, d);
    let nd: number;
    if (set(lx, ly)) nd = (d + 3) & 3;
    else if (set(rx, ry)) nd = d;
    else nd = (d + 1) & 3;
    // Back at the start corner about to leave east again: the loop is closed (start already recorded).
    if (x === sx && y === sy && nd === 0) break;
    if (nd !== d) pts.push(x, y);
    d = nd;
  }
  return { points: Float32Array.from(pts), area: Math.abs(area2) / 2 };
}

/** Pixel coordinates of the left-ahead and right-ahead pixels at corner (x, y) heading d. */
function ahead(x: number, y: number, d: number): [number, number, number, number] {
  switch (d) {
    case 0: // east: left = above, right = below
      return [x, y - 1, x, y];
    case 1: // south: left = east side, right = west side
      return [x, y, x - 1, y];
    case 2: // west
      return [x - 1, y, x - 1, y - 1];
    default: // north
      return [x - 1, y - 1, x, y - 1];
  }
}
