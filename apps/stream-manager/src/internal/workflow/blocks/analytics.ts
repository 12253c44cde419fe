import { Detections } from '@inference-ts/core';
import { ANCHORS, type Anchor, LineCounter, type Point, TimeInZone } from '@inference-ts/pipeline';
import type { BlockDefinition, FieldRule, FrameScope } from '../types.js';

const sel: FieldRule = { allow: 'selector' };

const isPoint = (p: unknown) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number');
const anchorName = (v: unknown): Anchor | undefined => {
  const a = typeof v === 'string' ? (v.toLowerCase() as Anchor) : undefined;
  return a && ANCHORS.includes(a) ? a : undefined;
};
const anchorCheck = (v: unknown) =>
  anchorName(v) ? undefined : `one of ${ANCHORS.map((a) => a.toUpperCase()).join(', ')}`;

function detectionsOf(value: unknown, step: string): Detections {
  if (!(value instanceof Detections)) throw new Error(`step ${step}: \`detections\` is not detections`);
  return value;
}

/**
 * `roboflow_core/line_counter` v1/v2: a thin adapter over the pipeline's `LineCounter`,
 * one counter per video, fixed on that video's first frame (as Roboflow). v1 counts
 * with the centre by default, v2 with all four corners; v2 adds this frame's crossers.
 */
export const LINE_COUNTER: BlockDefinition = {
  name: 'roboflow_core/line_counter',
  versions: ['v1', 'v2'],
  outputs: (v) =>
    v >= 2 ? ['count_in', 'count_out', 'detections_in', 'detections_out'] : ['count_in', 'count_out'],
  fields(v) {
    const f: Record<string, FieldRule> = {
      detections: { ...sel, required: true },
      line_segment: {
        ...sel,
        required: true,
        check: (x) =>
          Array.isArray(x) && x.length === 2 && x.every(isPoint)
            ? undefined
            : 'two points [[x1, y1], [x2, y2]]',
      },
      triggering_anchor: { ...sel, check: anchorCheck },
    };
    if (v === 1) f.metadata = { ...sel, required: true };
    else f.image = { allow: 'inputOnly', required: true };
    return f;
  },
  create(v, step) {
    const counters = new Map<string, LineCounter>();
    return {
      async run(scopes: FrameScope[], read) {
        return scopes.map((scope) => {
          const detections = detectionsOf(read(scope, 'detections'), step.name);
          const video = scope.metadata.video_identifier;
          let counter = counters.get(video);
          if (!counter) {
            const line = read(scope, 'line_segment') as Point[];
            const anchor = read(scope, 'triggering_anchor');
            const anchors =
              anchor === undefined || anchor === null
                ? v === 1
                  ? ['center' as const]
                  : undefined
                : [anchorName(anchor) ?? 'center'];
            counter = new LineCounter({
              start: line[0],
              end: line[1],
              name: step.name,
              ...(anchors ? { anchors } : {}),
            });
            counters.set(video, counter);
          }
          const r = counter.update(detections);
          const out: Record<string, unknown> = { count_in: r.in, count_out: r.out };
          if (v >= 2) {
            out.detections_in = detections.filter((i) => r.crossedInMask[i] === 1);
            out.detections_out = detections.filter((i) => r.crossedOutMask[i] === 1);
          }
          return out;
        });
      },
    };
  },
};

const zoneCheck = (v: number) => (x: unknown) => {
  const polygon = (p: unknown) => Array.isArray(p) && p.length >= 3 && p.every(isPoint);
  if (polygon(x)) return undefined;
  if (v >= 3 && Array.isArray(x) && x.length > 0 && x.every(polygon)) return undefined;
  return v >= 3
    ? 'a polygon of at least 3 [x, y] points, or a list of polygons'
    : 'a polygon of at least 3 [x, y] points';
};

/**
 * `roboflow_core/time_in_zone` v1-v3: a thin adapter over the pipeline's `TimeInZone`
 * (one per video and zone, fixed on the first frame; v3 accepts several polygons and
 * counts a box inside when it is in any of them).
 */
export const TIME_IN_ZONE: BlockDefinition = {
  name: 'roboflow_core/time_in_zone',
  versions: ['v1', 'v2', 'v3'],
  outputs: () => ['timed_detections'],
  fields(v) {
    const f: Record<string, FieldRule> = {
      detections: { ...sel, required: true },
      zone: { ...sel, required: true, check: zoneCheck(v) },
      triggering_anchor: { ...sel, check: anchorCheck },
      remove_out_of_zone_detections: sel,
      reset_out_of_zone_detections: sel,
    };
    if (v === 1) {
      f.image = { ...sel, required: true };
      f.metadata = { ...sel, required: true };
    } else f.image = { allow: 'inputOnly', required: true };
    return f;
  },
  create(_v, step) {
    const zones = new Map<string, TimeInZone[]>();
    return {
      async run(scopes, read) {
        return scopes.map((scope) => {
          const detections = detectionsOf(read(scope, 'detections'), step.name);
          const video = scope.metadata.video_identifier;
          const remove = read(scope, 'remove_out_of_zone_detections') !== false;
          const reset = read(scope, 'reset_out_of_zone_detections') !== false;
          let timers = zones.get(video);
          if (!timers) {
            const zone = read(scope, 'zone') as Point[] | Point[][];
            const polygons = isPoint((zone as unknown[])[0]) ? [zone as Point[]] : (zone as Point[][]);
            const anchor = anchorName(read(scope, 'triggering_anchor')) ?? 'center';
            timers = polygons.map(
              (polygon, i) =>
                new TimeInZone({
                  polygon,
                  anchors: [anchor],
                  name: polygons.length > 1 ? `${step.name}/${i}` : step.name,
                  removeOutOfZone: polygons.length > 1 ? false : remove,
                  resetOutOfZone: polygons.length > 1 ? true : reset,
                }),
            );
            zones.set(video, timers);
          }
          const m = scope.metadata;
          const clock =
            m.comes_from_video_file && m.fps
              ? { frameIndex: m.frame_number, fps: m.fps }
              : { timestampSec: m.frame_timestamp.getTime() / 1000 };
          if (timers.length === 1)
            return { timed_detections: timers[0].update(detections, clock).detections };
          // several polygons (v3): inside any of them; each polygon keeps its own clock and the longest wins
          const results = timers.map((t) => t.update(detections, clock));
          const keep: number[] = [];
          const secs: number[] = [];
          for (let i = 0; i < detections.length; i++) {
            let inside = false;
            let best = 0;
            for (const r of results) {
              if (r.inside[i]) {
                inside = true;
                best = Math.max(best, r.byTrackerId.get(detections.trackerId![i]) ?? 0);
              }
            }
            if (!inside && remove) continue;
            keep.push(i);
            secs.push(best);
          }
          const kept = detections.select(keep);
          return { timed_detections: kept.with({ data: { ...kept.data, timeInZone: secs } }) };
        });
      },
    };
  },
};

export const ANALYTICS_BLOCKS: BlockDefinition[] = [LINE_COUNTER, TIME_IN_ZONE];
