import type { Detections } from '@inference-ts/core';
import { PipelineError } from '../errors.js';
import { type Anchor, type Point, requireTrackerIds } from './geometry.js';
import { PolygonZone } from './polygon-zone.js';

export interface TimeInZoneOptions {
  /** At least 3 `[x, y]` points in image pixels. */
  polygon: readonly Point[];
  /** Box points that must all be inside (default `['center']`, Roboflow's `triggering_anchor`). */
  anchors?: readonly Anchor[];
  /** Time only these class ids (others are treated as outside). */
  classes?: readonly number[];
  name?: string;
  /** Boxes are clipped to the frame before their anchors are taken. */
  frameSize?: { width: number; height: number };
  /** Drop detections outside the zone from `detections` (default true, Roboflow's `remove_out_of_zone_detections`). */
  removeOutOfZone?: boolean;
  /**
   * Restart a tracker's clock when it is seen outside (default true, Roboflow's
   * `reset_out_of_zone_detections`). Outside detections that are kept (removeOutOfZone
   * false) always restart the clock, as Roboflow does.
   */
  resetOutOfZone?: boolean;
  /**
   * Forget a tracker's clock after this many updates without it (default 3000; bounds
   * memory on endless streams, far beyond any tracker's lost-track buffer).
   */
  forgetAfter?: number;
}

/**
 * The clock of one frame: a video file's frame number (1-based) and fps, or a
 * wall-clock timestamp in seconds. With both, a non-zero fps wins (Roboflow:
 * `frame_number / fps` for video files, the frame timestamp otherwise).
 */
export type FrameClock =
  | { timestampSec: number; frameIndex?: number; fps?: number }
  | { frameIndex: number; fps: number; timestampSec?: number };

/** One update's answer. */
export interface TimeInZoneResult {
  /** The kept detections (all, or only those inside) with a `timeInZone` data column (seconds). */
  detections: Detections;
  /** Seconds per kept detection (0 outside), aligned with `detections`. */
  seconds: Float64Array;
  /** Seconds per tracker id, for the trackers inside on this frame. */
  byTrackerId: Map<number, number>;
  /** Per input detection: 1 when inside. */
  inside: Uint8Array;
}

/** Seconds "now" for a frame clock; throws `PIPE_ERR_INVALID_OPTION` when it has neither. */
export function clockSeconds(clock: FrameClock): number {
  const { frameIndex, fps, timestampSec } = clock as {
    frameIndex?: number;
    fps?: number;
    timestampSec?: number;
  };
  if (fps !== undefined && fps !== 0 && Number.isFinite(fps) && frameIndex !== undefined) {
    if (!Number.isFinite(frameIndex))
      throw new PipelineError('PIPE_ERR_INVALID_OPTION', 'time in zone: frameIndex must be finite');
    return frameIndex / fps;
  }
  if (timestampSec !== undefined && Number.isFinite(timestampSec)) return timestampSec;
  throw new PipelineError(
    'PIPE_ERR_INVALID_OPTION',
    'time in zone needs { frameIndex, fps } with fps ≠ 0, or { timestampSec }',
  );
}

/**
 * How long each tracked object has been inside a polygon, with Roboflow's `time_in_zone`
 * rules: the first frame a tracker is seen inside starts its clock; `time = now − start`.
 *
 * @example
 * const tz = new TimeInZone({ polygon: [[0, 0], [640, 0], [640, 480], [0, 480]] });
 * tz.update(tracked, { frameIndex: 1, fps: 30 }).byTrackerId; // Map { 4 => 0 }
 * tz.update(tracked, { frameIndex: 31, fps: 30 }).byTrackerId; // Map { 4 => 1 }
 */
export class TimeInZone {
  readonly name: string;
  readonly zone: PolygonZone;
  readonly removeOutOfZone: boolean;
  readonly resetOutOfZone: boolean;
  /** Tracker id → clock seconds of its first frame inside. */
  readonly #starts = new Map<number, number>();
  /** Tracker id → the update it was last seen in (for forgetting). */
  readonly #seen = new Map<number, number>();
  readonly #forgetAfter: number;
  #updates = 0;

  constructor(options: TimeInZoneOptions) {
    this.name = options.name ?? 'zone';
    this.zone = new PolygonZone({
      polygon: options.polygon,
      anchors: options.anchors ?? ['center'],
      ...(options.classes ? { classes: options.classes } : {}),
      ...(options.frameSize ? { frameSize: options.frameSize } : {}),
      name: this.name,
    });
    this.removeOutOfZone = options.removeOutOfZone ?? true;
    this.resetOutOfZone = options.resetOutOfZone ?? true;
    this.#forgetAfter = options.forgetAfter ?? 3000;
  }

  /** Tracker clocks currently held. */
  get size(): number {
    return this.#starts.size;
  }

  /** Throws `PIPE_ERR_UNTRACKED` when a detection has no tracker id. */
  update(detections: Detections, clock: FrameClock): TimeInZoneResult {
    const n = detections.length;
    const ids = requireTrackerIds(detections.trackerId, n, `time in zone '${this.name}'`);
    const now = clockSeconds(clock);
    const update = ++this.#updates;
    const inside = this.zone.test(detections);
    const keep: number[] = [];
    const secs: number[] = [];
    const byTrackerId = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      this.#seen.set(id, update);
      if (!inside[i]) {
        if (this.resetOutOfZone) this.#starts.delete(id);
        if (this.removeOutOfZone) continue;
        this.#starts.delete(id);
        keep.push(i);
        secs.push(0);
        continue;
      }
      let start = this.#starts.get(id);
      if (start === undefined) {
        start = now;
        this.#starts.set(id, now);
      }
      const t = now - start;
      keep.push(i);
      secs.push(t);
      byTrackerId.set(id, t);
    }
    if ((update & 63) === 0) this.#forget(update);
    const seconds = Float64Array.from(secs);
    const kept = keep.length === n ? detections : detections.select(keep);
    return {
      detections: kept.with({ data: { ...kept.data, timeInZone: secs } }),
      seconds,
      byTrackerId,
      inside,
    };
  }

  /** Drops trackers unseen for more than `forgetAfter` updates (a scan every 64 updates). */
  #forget(update: number): void {
    for (const [id, last] of this.#seen) {
      if (update - last > this.#forgetAfter) {
        this.#seen.delete(id);
        this.#starts.delete(id);
      }
    }
  }

  /** Forget every tracker's start time. */
  reset(): void {
    this.#starts.clear();
    this.#seen.clear();
  }
}
