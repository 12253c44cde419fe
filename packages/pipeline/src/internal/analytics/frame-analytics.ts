import type { Point } from './geometry.js';

/** One line's state on one frame, in the source's pixels. */
export interface LineFrame {
  name: string;
  start: Point;
  end: Point;
  /** Cumulative crossings. */
  in: number;
  out: number;
  /** Tracker ids that crossed on this frame. */
  crossedIn: number[];
  crossedOut: number[];
  /** Cumulative crossings per class name (class id as text when the name is unknown). */
  inByClass: Record<string, number>;
  outByClass: Record<string, number>;
}

/** One zone's state on one frame, in the source's pixels. */
export interface ZoneFrame {
  name: string;
  polygon: Point[];
  /** Detections inside on this frame, in total and per class name. */
  count: number;
  countByClass: Record<string, number>;
  /** Tracker ids that entered / left on this frame. */
  entered: number[];
  left: number[];
  /** With zone timing: seconds inside per tracker id (trackers inside on this frame). */
  timeInZone?: Record<string, number>;
}

/** The analytics of one frame (attached to `VideoFrame.analytics` by the pipeline). */
export interface FrameAnalytics {
  lines: LineFrame[];
  zones: ZoneFrame[];
}

/** Running totals of one source, for status reports. */
export interface SourceAnalyticsTotals {
  sourceId: number;
  lines: {
    name: string;
    in: number;
    out: number;
    inByClass: Record<string, number>;
    outByClass: Record<string, number>;
  }[];
  zones: {
    name: string;
    count: number;
    countByClass: Record<string, number>;
    entered: number;
    left: number;
  }[];
}

/** The JSON line form, snake_case like the rest of the jsonl output. */
export interface FrameAnalyticsJson {
  lines: { name: string; in: number; out: number; crossed_in: number[]; crossed_out: number[] }[];
  zones: {
    name: string;
    count: number;
    count_by_class: Record<string, number>;
    entered: number[];
    left: number[];
    time_in_zone?: Record<string, number>;
  }[];
}

/**
 * The jsonl form of a frame's analytics.
 * @example
 * analyticsJson(frame.analytics)
 * // { lines: [{ name: 'gate', in: 3, out: 1, crossed_in: [12], crossed_out: [] }],
 * //   zones: [{ name: 'lot', count: 2, count_by_class: { car: 2 }, entered: [], left: [9] }] }
 */
export function analyticsJson(a: FrameAnalytics): FrameAnalyticsJson {
  return {
    lines: a.lines.map((l) => ({
      name: l.name,
      in: l.in,
      out: l.out,
      crossed_in: l.crossedIn,
      crossed_out: l.crossedOut,
    })),
    zones: a.zones.map((z) => ({
      name: z.name,
      count: z.count,
      count_by_class: z.countByClass,
      entered: z.entered,
      left: z.left,
      ...(z.timeInZone ? { time_in_zone: z.timeInZone } : {}),
    })),
  };
}
