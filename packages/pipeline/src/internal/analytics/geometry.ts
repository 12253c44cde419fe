import { PipelineError } from '../errors.js';

/** A point as `[x, y]` in image pixels. */
export type Point = readonly [number, number];

/**
 * Where on a box a detection is "located" for line and zone tests (supervision's `Position`).
 * `center` is the box centre, `bottom_center` the middle of its bottom edge, and so on.
 */
export type Anchor =
  | 'center'
  | 'center_left'
  | 'center_right'
  | 'top_center'
  | 'top_left'
  | 'top_right'
  | 'bottom_left'
  | 'bottom_center'
  | 'bottom_right';

/** Every anchor name, for validation and CLI help. */
export const ANCHORS: readonly Anchor[] = [
  'center',
  'center_left',
  'center_right',
  'top_center',
  'top_left',
  'top_right',
  'bottom_left',
  'bottom_center',
  'bottom_right',
];

/** The four box corners: a line counter's default anchors (Roboflow `line_counter` v2). */
export const CORNER_ANCHORS: readonly Anchor[] = ['top_left', 'top_right', 'bottom_left', 'bottom_right'];

/**
 * Anchor code: fx, fy are the fractions of the box width/height from x1/y1
 * (0 = x1/y1, 0.5 = centre, 1 = x2/y2), so one loop serves every anchor.
 */
const ANCHOR_FRACTIONS: Record<Anchor, readonly [number, number]> = {
  center: [0.5, 0.5],
  center_left: [0, 0.5],
  center_right: [1, 0.5],
  top_center: [0.5, 0],
  top_left: [0, 0],
  top_right: [1, 0],
  bottom_left: [0, 1],
  bottom_center: [0.5, 1],
  bottom_right: [1, 1],
};

/**
 * The coordinate at fraction `f` (0, 0.5 or 1) between `a` and `b`, exact at the ends
 * (`a + 1 * (b - a)` need not equal `b` in floating point) and `(a + b) / 2` between.
 */
export function along(f: number, a: number, b: number): number {
  return f === 0 ? a : f === 1 ? b : (a + b) * 0.5;
}

/** The `[fx, fy]` box fractions of an anchor. */
export function anchorFractions(anchor: Anchor): readonly [number, number] {
  return ANCHOR_FRACTIONS[anchor];
}

/**
 * Checked anchors list (defaults applied by callers). Throws `PIPE_ERR_GEOMETRY` for
 * an unknown name or an empty list.
 */
export function validateAnchors(anchors: readonly string[], what: string): Anchor[] {
  if (anchors.length === 0)
    throw new PipelineError('PIPE_ERR_GEOMETRY', `${what}: anchors must not be empty`);
  for (const a of anchors) {
    if (!(a in ANCHOR_FRACTIONS))
      throw new PipelineError(
        'PIPE_ERR_GEOMETRY',
        `${what}: unknown anchor '${a}' (expected one of ${ANCHORS.join(', ')})`,
      );
  }
  return [...anchors] as Anchor[];
}

function isFinitePoint(p: unknown): p is Point {
  return (
    Array.isArray(p) &&
    p.length === 2 &&
    typeof p[0] === 'number' &&
    typeof p[1] === 'number' &&
    Number.isFinite(p[0]) &&
    Number.isFinite(p[1])
  );
}

/** Throws `PIPE_ERR_GEOMETRY` unless start and end are finite, distinct points. */
export function validateLine(start: unknown, end: unknown, what: string): [Point, Point] {
  if (!isFinitePoint(start) || !isFinitePoint(end))
    throw new PipelineError('PIPE_ERR_GEOMETRY', `${what}: a line needs two finite [x, y] points`);
  if (start[0] === end[0] && start[1] === end[1])
    throw new PipelineError('PIPE_ERR_GEOMETRY', `${what}: the line has zero length`);
  return [start, end];
}

/** Twice the signed area of a polygon (0 when its points are collinear). */
function doubleArea(polygon: readonly Point[]): number {
  let s = 0;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++)
    s += polygon[j][0] * polygon[i][1] - polygon[i][0] * polygon[j][1];
  return s;
}

/** Throws `PIPE_ERR_GEOMETRY` unless the polygon has ≥ 3 finite points enclosing an area. */
export function validatePolygon(polygon: unknown, what: string): Point[] {
  if (!Array.isArray(polygon) || polygon.length < 3)
    throw new PipelineError('PIPE_ERR_GEOMETRY', `${what}: a zone needs at least 3 points`);
  for (const p of polygon) {
    if (!isFinitePoint(p))
      throw new PipelineError('PIPE_ERR_GEOMETRY', `${what}: every zone point must be a finite [x, y]`);
  }
  if (doubleArea(polygon as Point[]) === 0)
    throw new PipelineError('PIPE_ERR_GEOMETRY', `${what}: the zone's points enclose no area`);
  return (polygon as Point[]).map((p) => [p[0], p[1]] as const);
}

/** Throws `PIPE_ERR_UNTRACKED` unless every detection carries a tracker id (≥ 0). */
export function requireTrackerIds(trackerId: Int32Array | undefined, n: number, what: string): Int32Array {
  if (n === 0) return trackerId ?? new Int32Array(0);
  if (!trackerId)
    throw new PipelineError(
      'PIPE_ERR_UNTRACKED',
      `${what} needs tracked detections (run a tracker first, e.g. track: true)`,
    );
  for (let i = 0; i < n; i++) {
    if (trackerId[i] < 0)
      throw new PipelineError('PIPE_ERR_UNTRACKED', `${what}: detection ${i} has no tracker id`);
  }
  return trackerId;
}

/** A polygon as flat typed arrays with its bounding box, for fast point tests. */
export interface FlatPolygon {
  xs: Float64Array;
  ys: Float64Array;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export function flattenPolygon(polygon: readonly Point[]): FlatPolygon {
  const n = polygon.length;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    xs[i] = polygon[i][0];
    ys[i] = polygon[i][1];
    minX = Math.min(minX, xs[i]);
    minY = Math.min(minY, ys[i]);
    maxX = Math.max(maxX, xs[i]);
    maxY = Math.max(maxY, ys[i]);
  }
  return { xs, ys, minX, minY, maxX, maxY };
}

/**
 * True when (x, y) is inside the filled polygon or on its boundary (a filled raster
 * polygon, as Roboflow's zone mask, includes its edges). Even-odd rule.
 */
export function pointInPolygon(p: FlatPolygon, x: number, y: number): boolean {
  if (x < p.minX || x > p.maxX || y < p.minY || y > p.maxY) return false;
  const { xs, ys } = p;
  const n = xs.length;
  let inside = false;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = xs[i];
    const yi = ys[i];
    const xj = xs[j];
    const yj = ys[j];
    // on the edge (collinear and within the segment's box) counts as inside
    const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
    if (
      Math.abs(cross) <= 1e-9 * (Math.abs(xj - xi) + Math.abs(yj - yi) + 1) &&
      x >= Math.min(xi, xj) &&
      x <= Math.max(xi, xj) &&
      y >= Math.min(yi, yj) &&
      y <= Math.max(yi, yj)
    )
      return true;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** A Set of class ids, or undefined for "every class". Throws on non-integers. */
export function classFilter(classes: readonly number[] | undefined, what: string): Set<number> | undefined {
  if (classes === undefined) return undefined;
  for (const c of classes) {
    if (!Number.isInteger(c))
      throw new PipelineError('PIPE_ERR_INVALID_OPTION', `${what}: class ids must be integers`);
  }
  return new Set(classes);
}

/** Adds one to a per-class tally. */
export function bump(tally: Record<number, number>, classId: number): void {
  tally[classId] = (tally[classId] ?? 0) + 1;
}
