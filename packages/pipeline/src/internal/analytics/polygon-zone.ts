import type { Detections } from '@inference-ts/core';
import {
  type Anchor,
  along,
  anchorFractions,
  bump,
  classFilter,
  type FlatPolygon,
  flattenPolygon,
  type Point,
  pointInPolygon,
  requireTrackerIds,
  validateAnchors,
  validatePolygon,
} from './geometry.js';
import { learnClassNames } from './line-counter.js';

export interface PolygonZoneOptions {
  /** At least 3 `[x, y]` points in image pixels. */
  polygon: readonly Point[];
  /** Box points that must all be inside (default `['bottom_center']`, as supervision's `PolygonZone`). */
  anchors?: readonly Anchor[];
  /** Count only these class ids (others are treated as outside). */
  classes?: readonly number[];
  /** Shown in outputs (default `zone`). */
  name?: string;
  /**
   * The frame size: boxes are clipped to it before their anchors are taken (as
   * supervision does). Unset: boxes are used as they are.
   */
  frameSize?: { width: number; height: number };
  /**
   * A tracker inside the zone that is not seen for this many updates is reported as
   * `left` (default 30, ByteTrack's lost-track buffer). Seen again sooner, nothing is reported.
   */
  forgetAfter?: number;
}

/** One update's answer. */
export interface PolygonZoneResult {
  /** Detections inside the zone on this frame. */
  count: number;
  countByClass: Record<number, number>;
  /** Tracker ids that came inside on this frame. */
  entered: number[];
  /** Tracker ids seen outside again, or lost for `forgetAfter` updates, after being inside. */
  left: number[];
  /** Per input detection: 1 when inside. */
  inside: Uint8Array;
}

/**
 * A polygon zone: which tracked detections are inside, how many per class, and who
 * entered or left. A detection is inside when every anchor, rounded up to whole
 * pixels, lies in the filled polygon (its edges included), as supervision's `PolygonZone`.
 *
 * @example
 * const zone = new PolygonZone({ polygon: [[0, 0], [100, 0], [100, 100], [0, 100]] });
 * zone.update(tracked); // { count: 1, countByClass: { 16: 1 }, entered: [3], left: [], inside: Uint8Array [1] }
 */
export class PolygonZone {
  readonly name: string;
  readonly polygon: readonly Point[];
  readonly anchors: readonly Anchor[];
  readonly classes?: ReadonlySet<number>;
  readonly classNames = new Map<number, string>();
  readonly #flat: FlatPolygon;
  readonly #fx: Float64Array;
  readonly #fy: Float64Array;
  readonly #frameSize?: { width: number; height: number };
  readonly #forgetAfter: number;
  /** Tracker id → the update it was last seen inside. */
  readonly #insiders = new Map<number, number>();
  #frame = 0;
  #lastCount = 0;
  #lastByClass: Record<number, number> = {};

  constructor(options: PolygonZoneOptions) {
    this.name = options.name ?? 'zone';
    const what = `zone '${this.name}'`;
    this.polygon = validatePolygon(options.polygon, what);
    this.anchors = validateAnchors(options.anchors ?? ['bottom_center'], what);
    const classes = classFilter(options.classes, what);
    if (classes) this.classes = classes;
    if (options.frameSize) this.#frameSize = { ...options.frameSize };
    this.#forgetAfter = options.forgetAfter ?? 30;
    this.#flat = flattenPolygon(this.polygon);
    this.#fx = Float64Array.from(this.anchors, (a) => anchorFractions(a)[0]);
    this.#fy = Float64Array.from(this.anchors, (a) => anchorFractions(a)[1]);
  }

  /** The count of the last update. */
  get count(): number {
    return this.#lastCount;
  }
  get countByClass(): Record<number, number> {
    return { ...this.#lastByClass };
  }

  /**
   * Per detection, 1 when inside (class filter applied); needs no tracker ids and keeps
   * no state. `TimeInZone` shares it.
   */
  test(detections: Detections): Uint8Array {
    const n = detections.length;
    const inside = new Uint8Array(n);
    const { xyxy, classId } = detections;
    const fx = this.#fx;
    const fy = this.#fy;
    const k = fx.length;
    const W = this.#frameSize?.width ?? Number.POSITIVE_INFINITY;
    const H = this.#frameSize?.height ?? Number.POSITIVE_INFINITY;
    const clip = this.#frameSize !== undefined;
    for (let i = 0; i < n; i++) {
      if (this.classes && !this.classes.has(classId[i])) continue;
      let x1 = xyxy[i * 4];
      let y1 = xyxy[i * 4 + 1];
      let x2 = xyxy[i * 4 + 2];
      let y2 = xyxy[i * 4 + 3];
      if (clip) {
        x1 = Math.min(Math.max(x1, 0), W);
        x2 = Math.min(Math.max(x2, 0), W);
        y1 = Math.min(Math.max(y1, 0), H);
        y2 = Math.min(Math.max(y2, 0), H);
      }
      let all = true;
      for (let a = 0; a < k && all; a++) {
        const px = Math.ceil(along(fx[a], x1, x2));
        const py = Math.ceil(along(fy[a], y1, y2));
        all = pointInPolygon(this.#flat, px, py);
      }
      if (all) inside[i] = 1;
    }
    return inside;
  }

  /**
   * Feed one frame's tracked detections. Throws `PIPE_ERR_UNTRACKED` when a detection
   * has no tracker id.
   */
  update(detections: Detections): PolygonZoneResult {
    const n = detections.length;
    const ids = requireTrackerIds(detections.trackerId, n, `zone '${this.name}'`);
    learnClassNames(this.classNames, detections);
    const frame = ++this.#frame;
    const inside = this.test(detections);
    const entered: number[] = [];
    const left: number[] = [];
    const countByClass: Record<number, number> = {};
    let count = 0;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (inside[i]) {
        count++;
        bump(countByClass, detections.classId[i]);
        if (!this.#insiders.has(id)) entered.push(id);
        this.#insiders.set(id, frame);
      } else if (this.#insiders.delete(id)) {
        left.push(id);
      }
    }
    for (const [id, seen] of this.#insiders) {
      if (frame - seen > this.#forgetAfter) {
        this.#insiders.delete(id);
        left.push(id);
      }
    }
    this.#lastCount = count;
    this.#lastByClass = countByClass;
    return { count, countByClass: { ...countByClass }, entered, left, inside };
  }

  /** Forget every tracker (the next update reports all insiders as entered). */
  reset(): void {
    this.#insiders.clear();
    this.#lastCount = 0;
    this.#lastByClass = {};
  }
}
