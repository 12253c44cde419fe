import type { Detections } from '@inference-ts/core';
import {
  type Anchor,
  along,
  anchorFractions,
  bump,
  CORNER_ANCHORS,
  classFilter,
  type Point,
  requireTrackerIds,
  validateAnchors,
  validateLine,
} from './geometry.js';
import { TrackerMemory } from './tracker-memory.js';

export interface LineCounterOptions {
  /** Line start `[x, y]` in image pixels. */
  start: Point;
  /** Line end `[x, y]`; swapping start and end swaps in and out. */
  end: Point;
  /**
   * Box points tested against the line (default: the four corners, as Roboflow's
   * `line_counter` v2; `['center']` is v1's default).
   */
  anchors?: readonly Anchor[];
  /** Count only these class ids (default: every class). */
  classes?: readonly number[];
  /** Shown in outputs (default `line`). */
  name?: string;
  /**
   * Forget a tracker id after this many updates without it (bounds memory on endless
   * streams; default 3000). Trackers come back within their lost-track buffer, far sooner.
   */
  forgetAfter?: number;
}

/** One update's answer. Counts are cumulative; `crossed*` are this frame's crossers. */
export interface LineCounterResult {
  /** Crossings in the "in" direction so far (see the README's picture). */
  in: number;
  out: number;
  /** Tracker ids that crossed in on this frame. */
  crossedIn: number[];
  crossedOut: number[];
  /** Cumulative counts per class id. */
  inByClass: Record<number, number>;
  outByClass: Record<number, number>;
  /** Per input detection: 1 when it crossed in (or out) on this frame. */
  crossedInMask: Uint8Array;
  crossedOutMask: Uint8Array;
}

/**
 * Counts tracked objects crossing a line segment, with Roboflow's `line_counter`
 * (supervision `LineZone`) rules:
 * - a box is judged only when all its anchors lie between the perpendiculars through
 *   the line's ends and none are on opposite sides of the line;
 * - its side is "left" when some anchor has `dx·(py−sy) − dy·(px−sx) < 0` (d = end − start);
 *   an anchor exactly on the line counts as not-left;
 * - each tracker id keeps its last side; a change to left counts **in**, a change away
 *   from left counts **out**. In image coordinates, for a line drawn left→right, moving
 *   up is in; for a line drawn top→bottom, moving left→right is in.
 *
 * @example
 * const line = new LineCounter({ start: [320, 0], end: [320, 480] });
 * line.update(frame1Tracked); // { in: 0, out: 0, crossedIn: [], ... }
 * line.update(frame2Tracked); // { in: 1, out: 0, crossedIn: [7], ... } when tracker 7 moved left→right
 */
export class LineCounter {
  readonly name: string;
  readonly start: Point;
  readonly end: Point;
  readonly anchors: readonly Anchor[];
  readonly classes?: ReadonlySet<number>;
  /** Class id → name, learned from the detections' `className` column. */
  readonly classNames = new Map<number, string>();
  #in = 0;
  #out = 0;
  #inByClass: Record<number, number> = {};
  #outByClass: Record<number, number> = {};
  /** Last side per tracker id: 1 = left, 0 = not left. */
  readonly #sides: TrackerMemory;
  // precomputed line terms
  readonly #fx: Float64Array;
  readonly #fy: Float64Array;
  readonly #ux: number;
  readonly #uy: number;

  constructor(options: LineCounterOptions) {
    this.name = options.name ?? 'line';
    const what = `line '${this.name}'`;
    [this.start, this.end] = validateLine(options.start, options.end, what);
    this.anchors = validateAnchors(options.anchors ?? CORNER_ANCHORS, what);
    const classes = classFilter(options.classes, what);
    if (classes) this.classes = classes;
    this.#sides = new TrackerMemory(options.forgetAfter ?? 3000);
    this.#fx = Float64Array.from(this.anchors, (a) => anchorFractions(a)[0]);
    this.#fy = Float64Array.from(this.anchors, (a) => anchorFractions(a)[1]);
    const dx = this.end[0] - this.start[0];
    const dy = this.end[1] - this.start[1];
    const len = Math.hypot(dx, dy);
    this.#ux = dx / len;
    this.#uy = dy / len;
  }

  /** Counts so far, without an update. */
  get in(): number {
    return this.#in;
  }
  get out(): number {
    return this.#out;
  }
  get inByClass(): Record<number, number> {
    return { ...this.#inByClass };
  }
  get outByClass(): Record<number, number> {
    return { ...this.#outByClass };
  }

  /**
   * Feed one frame's tracked detections. Throws `PIPE_ERR_UNTRACKED` when a detection
   * has no tracker id.
   */
  update(detections: Detections): LineCounterResult {
    const n = detections.length;
    const ids = requireTrackerIds(detections.trackerId, n, `line '${this.name}'`);
    learnClassNames(this.classNames, detections);
    const crossedInMask = new Uint8Array(n);
    const crossedOutMask = new Uint8Array(n);
    const crossedIn: number[] = [];
    const crossedOut: number[] = [];
    const [sx, sy] = this.start;
    const [ex, ey] = this.end;
    const dx = ex - sx;
    const dy = ey - sy;
    const ux = this.#ux;
    const uy = this.#uy;
    const fx = this.#fx;
    const fy = this.#fy;
    const k = fx.length;
    const { xyxy, classId } = detections;
    this.#sides.tick();
    for (let i = 0; i < n; i++) {
      const cls = classId[i];
      if (this.classes && !this.classes.has(cls)) continue;
      const x1 = xyxy[i * 4];
      const y1 = xyxy[i * 4 + 1];
      const x2 = xyxy[i * 4 + 2];
      const y2 = xyxy[i * 4 + 3];
      let inLimits = true;
      let left = false;
      let right = false;
      for (let a = 0; a < k; a++) {
        const px = along(fx[a], x1, x2);
        const py = along(fy[a], y1, y2);
        // supervision's limit test: "before the start" and "beyond the end" must agree (both false)
        const beforeStart = -(ux * (px - sx) + uy * (py - sy)) > 0;
        const beyondEnd = ux * (px - ex) + uy * (py - ey) > 0;
        if (beforeStart !== beyondEnd) inLimits = false;
        const side = dx * (py - sy) - dy * (px - sx);
        if (side < 0) left = true;
        else if (side > 0) right = true;
      }
      if (!inLimits || (left && right)) continue;
      const id = ids[i];
      const state = left ? 1 : 0;
      const previous = this.#sides.swap(id, state);
      if (previous === -1 || previous === state) continue;
      if (state === 1) {
        this.#in++;
        bump(this.#inByClass, cls);
        crossedIn.push(id);
        crossedInMask[i] = 1;
      } else {
        this.#out++;
        bump(this.#outByClass, cls);
        crossedOut.push(id);
        crossedOutMask[i] = 1;
      }
    }
    this.#sides.sweep();
    return {
      in: this.#in,
      out: this.#out,
      crossedIn,
      crossedOut,
      inByClass: { ...this.#inByClass },
      outByClass: { ...this.#outByClass },
      crossedInMask,
      crossedOutMask,
    };
  }

  /** Zero the counts and forget every tracker. */
  reset(): void {
    this.#in = 0;
    this.#out = 0;
    this.#inByClass = {};
    this.#outByClass = {};
    this.#sides.clear();
  }
}

/** Records class names from a `className` data column, when the detections carry one. */
export function learnClassNames(names: Map<number, string>, detections: Detections): void {
  const col = detections.data.className;
  if (!col) return;
  for (let i = 0; i < detections.length; i++) {
    const id = detections.classId[i];
    if (!names.has(id) && typeof col[i] === 'string') names.set(id, col[i] as string);
  }
}
