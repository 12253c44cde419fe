import { Detections } from '@inference-ts/core';
import { PipelineError } from '../errors.js';
import { detectionsOf } from '../tracking/with-detections.js';
import type { VideoFrame } from '../types.js';
import type { FrameAnalytics, LineFrame, SourceAnalyticsTotals, ZoneFrame } from './frame-analytics.js';
import type { Anchor, Point } from './geometry.js';
import { LineCounter } from './line-counter.js';
import { PolygonZone } from './polygon-zone.js';
import { type FrameClock, TimeInZone } from './time-in-zone.js';

/**
 * A line for the pipeline. Coordinates are source pixels, or fractions of the frame size
 * when every coordinate of the line lies in 0..1.
 */
export interface LineSpec {
  name?: string;
  start: Point;
  end: Point;
  anchors?: readonly Anchor[];
  classes?: readonly number[];
}

/** A zone for the pipeline; coordinates as in {@link LineSpec}. */
export interface ZoneSpec {
  name?: string;
  polygon: readonly Point[];
  anchors?: readonly Anchor[];
  classes?: readonly number[];
}

/** Pipeline analytics: lines, zones, and optionally time in zone (they need tracking, which they turn on). */
export interface AnalyticsOptions {
  lines?: readonly LineSpec[];
  zones?: readonly ZoneSpec[];
  /** Time each tracker inside each zone (Roboflow `time_in_zone`; true = its defaults). */
  zoneTime?: boolean | { resetOutOfZone?: boolean };
}

const isFraction = (points: readonly Point[]) =>
  points.every(([x, y]) => x >= 0 && x <= 1 && y >= 0 && y <= 1);

/** Points in pixels: fractions (every coordinate in 0..1) are scaled by the frame size. */
export function toPixels(points: readonly Point[], width: number, height: number): Point[] {
  if (!isFraction(points)) return points.map(([x, y]) => [x, y] as const);
  return points.map(([x, y]) => [x * width, y * height] as const);
}

/** Default names: `line1`, `line2`, `zone1`, ... */
function named<T extends { name?: string }>(specs: readonly T[], prefix: string): (T & { name: string })[] {
  const out = specs.map((s, i) => ({ ...s, name: s.name ?? `${prefix}${i + 1}` }));
  const seen = new Set<string>();
  for (const s of out) {
    if (seen.has(s.name))
      throw new PipelineError('PIPE_ERR_GEOMETRY', `two ${prefix}s are named '${s.name}'`);
    seen.add(s.name);
  }
  return out;
}

/** The clock of a frame, as Roboflow's time_in_zone reads it. */
export function frameClock(frame: VideoFrame): FrameClock {
  return frame.isFile && frame.fps > 0
    ? { frameIndex: frame.frameId, fps: frame.fps, timestampSec: frame.frameTimestamp / 1000 }
    : { timestampSec: frame.frameTimestamp / 1000 };
}

/** Class id → name, from the prediction's `classNames` or the detections' `className` column. */
function nameOf(prediction: unknown, detections: Detections | undefined): (id: number) => string {
  const list = (prediction as { classNames?: unknown } | null)?.classNames;
  const fromData = new Map<number, string>();
  const col = detections?.data.className;
  if (detections && col) {
    for (let i = 0; i < detections.length; i++) {
      if (typeof col[i] === 'string') fromData.set(detections.classId[i], col[i] as string);
    }
  }
  return (id) =>
    (Array.isArray(list) && typeof list[id] === 'string' ? list[id] : undefined) ??
    fromData.get(id) ??
    String(id);
}

function byName(counts: Record<number, number>, name: (id: number) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, n] of Object.entries(counts)) {
    const key = name(Number(id));
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}

interface SourceState {
  lines: LineCounter[];
  zones: PolygonZone[];
  timers: TimeInZone[];
  lineTotals: { inByClass: Record<string, number>; outByClass: Record<string, number> }[];
  zoneTotals: { countByClass: Record<string, number>; entered: number; left: number }[];
}

/**
 * The pipeline's analytics: one set of counters per source, built on the source's first
 * frame (fractions need its size). Geometry is checked at construction, before any frame.
 *
 * @example
 * const a = new PipelineAnalytics({ lines: [{ name: 'gate', start: [0.5, 0], end: [0.5, 1] }] });
 * a.apply(trackedPrediction, frame); // { lines: [{ name: 'gate', in: 0, out: 0, ... }], zones: [] }
 */
export class PipelineAnalytics {
  readonly #lines: (LineSpec & { name: string })[];
  readonly #zones: (ZoneSpec & { name: string })[];
  readonly #zoneTime: false | { resetOutOfZone?: boolean };
  readonly #sources = new Map<number, SourceState>();

  constructor(options: AnalyticsOptions) {
    this.#lines = named(options.lines ?? [], 'line');
    this.#zones = named(options.zones ?? [], 'zone');
    this.#zoneTime = options.zoneTime === true ? {} : (options.zoneTime ?? false);
    if (this.#zoneTime && this.#zones.length === 0)
      throw new PipelineError('PIPE_ERR_GEOMETRY', 'zone timing needs at least one zone');
    // validate once in the given units (scaling keeps lengths and areas non-zero)
    for (const l of this.#lines) new LineCounter(l);
    for (const z of this.#zones) new PolygonZone(z);
  }

  /** True when there is nothing to compute. */
  get empty(): boolean {
    return this.#lines.length === 0 && this.#zones.length === 0;
  }

  #state(frame: VideoFrame): SourceState {
    let s = this.#sources.get(frame.sourceId);
    if (s) return s;
    const { width, height } = frame.image;
    const frameSize = { width, height };
    s = {
      lines: this.#lines.map((l) => {
        const [start, end] = toPixels([l.start, l.end], width, height);
        return new LineCounter({ ...l, start, end });
      }),
      zones: this.#zones.map(
        (z) => new PolygonZone({ ...z, polygon: toPixels(z.polygon, width, height), frameSize }),
      ),
      timers: this.#zoneTime
        ? this.#zones.map(
            (z) =>
              new TimeInZone({
                ...z,
                polygon: toPixels(z.polygon, width, height),
                anchors: z.anchors ?? ['bottom_center'],
                frameSize,
                ...(this.#zoneTime && this.#zoneTime.resetOutOfZone !== undefined
                  ? { resetOutOfZone: this.#zoneTime.resetOutOfZone }
                  : {}),
              }),
          )
        : [],
      lineTotals: this.#lines.map(() => ({ inByClass: {}, outByClass: {} })),
      zoneTotals: this.#zones.map(() => ({ countByClass: {}, entered: 0, left: 0 })),
    };
    this.#sources.set(frame.sourceId, s);
    return s;
  }

  /**
   * Update the source's counters with one frame's (tracked) prediction. Predictions
   * without detections count as a frame with none. Throws `PIPE_ERR_UNTRACKED` for
   * untracked detections.
   */
  apply(prediction: unknown, frame: VideoFrame): FrameAnalytics {
    const s = this.#state(frame);
    const found = detectionsOf(prediction);
    const detections = found ?? Detections.empty();
    const name = nameOf(prediction, found);
    const lines: LineFrame[] = s.lines.map((line, i) => {
      const r = line.update(detections);
      const totals = s.lineTotals[i];
      totals.inByClass = byName(r.inByClass, name);
      totals.outByClass = byName(r.outByClass, name);
      return {
        name: line.name,
        start: line.start,
        end: line.end,
        in: r.in,
        out: r.out,
        crossedIn: r.crossedIn,
        crossedOut: r.crossedOut,
        inByClass: totals.inByClass,
        outByClass: totals.outByClass,
      };
    });
    const clock = s.timers.length > 0 ? frameClock(frame) : undefined;
    const zones: ZoneFrame[] = s.zones.map((zone, i) => {
      const r = zone.update(detections);
      const totals = s.zoneTotals[i];
      totals.countByClass = byName(r.countByClass, name);
      totals.entered += r.entered.length;
      totals.left += r.left.length;
      const z: ZoneFrame = {
        name: zone.name,
        polygon: [...zone.polygon],
        count: r.count,
        countByClass: totals.countByClass,
        entered: r.entered,
        left: r.left,
      };
      const timer = s.timers[i];
      if (timer && clock) {
        const t = timer.update(detections, clock);
        // microsecond precision: frame/fps differences carry float noise (0.1000000009)
        z.timeInZone = Object.fromEntries(
          [...t.byTrackerId].map(([id, sec]) => [String(id), Math.round(sec * 1e6) / 1e6]),
        );
      }
      return z;
    });
    return { lines, zones };
  }

  /** Running totals per source seen so far. */
  totals(): SourceAnalyticsTotals[] {
    return [...this.#sources.entries()]
      .sort(([a], [b]) => a - b)
      .map(([sourceId, s]) => ({
        sourceId,
        lines: s.lines.map((l, i) => ({
          name: l.name,
          in: l.in,
          out: l.out,
          inByClass: { ...s.lineTotals[i].inByClass },
          outByClass: { ...s.lineTotals[i].outByClass },
        })),
        zones: s.zones.map((z, i) => ({
          name: z.name,
          count: z.count,
          countByClass: { ...s.zoneTotals[i].countByClass },
          entered: s.zoneTotals[i].entered,
          left: s.zoneTotals[i].left,
        })),
      }));
  }
}
