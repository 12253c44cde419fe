import { Detections } from '@inference-ts/core';
import { ByteTrack } from '@inference-ts/pipeline';
import type { BlockDefinition, FieldRule } from '../types.js';

const sel: FieldRule = { allow: 'selector' };
const num = (v: unknown) => (typeof v === 'number' && v >= 0 ? undefined : 'a number >= 0');

/**
 * `roboflow_core/byte_tracker` v1-v3: a thin adapter over the pipeline's ByteTrack,
 * one tracker per video (created on its first frame with the video's fps; later
 * parameter changes are ignored, as in Roboflow). v3 adds first-sighting outputs
 * from a FIFO cache of seen ids.
 */
export const BYTE_TRACKER: BlockDefinition = {
  name: 'roboflow_core/byte_tracker',
  versions: ['v1', 'v2', 'v3'],
  outputs: (v) =>
    v >= 3 ? ['tracked_detections', 'new_instances', 'already_seen_instances'] : ['tracked_detections'],
  fields(v) {
    const f: Record<string, FieldRule> = {
      detections: { ...sel, required: true },
      track_activation_threshold: { ...sel, check: num },
      lost_track_buffer: { ...sel, check: num },
      minimum_matching_threshold: { ...sel, check: num },
      minimum_consecutive_frames: { ...sel, check: num },
    };
    if (v === 1) f.metadata = { ...sel, required: true };
    if (v === 2) f.image = { allow: 'inputOnly', required: true };
    if (v === 3) {
      f.image = { ...sel, required: true };
      f.instances_cache_size = {
        allow: 'literal',
        check: (x) => (Number.isInteger(x) && (x as number) > 0 ? undefined : 'an integer > 0'),
      };
    }
    return f;
  },
  create(v, step) {
    const trackers = new Map<string, ByteTrack>();
    const cacheSize = Number(step.raw.instances_cache_size ?? 16384);
    const seen = new Set<number>();
    return {
      async run(scopes, read) {
        return scopes.map((scope) => {
          const detections = read(scope, 'detections');
          if (!(detections instanceof Detections))
            throw new Error(`step ${step.name}: \`detections\` is not detections`);
          const video = scope.metadata.video_identifier;
          let tracker = trackers.get(video);
          if (!tracker) {
            const n = (field: string) => {
              const x = read(scope, field);
              return typeof x === 'number' ? x : undefined;
            };
            const fps = scope.metadata.fps ?? 0;
            tracker = new ByteTrack({
              frameRate: fps > 0 ? fps : 30,
              ...(n('track_activation_threshold') !== undefined
                ? { trackActivationThreshold: n('track_activation_threshold') }
                : {}),
              ...(n('lost_track_buffer') !== undefined ? { lostTrackBuffer: n('lost_track_buffer') } : {}),
              ...(n('minimum_matching_threshold') !== undefined
                ? { minimumMatchingThreshold: n('minimum_matching_threshold') }
                : {}),
              ...(n('minimum_consecutive_frames') !== undefined
                ? { minimumConsecutiveFrames: n('minimum_consecutive_frames') }
                : {}),
            });
            trackers.set(video, tracker);
          }
          const tracked = tracker.update(detections);
          const out: Record<string, unknown> = { tracked_detections: tracked };
          if (v >= 3) {
            const fresh: number[] = [];
            const old: number[] = [];
            for (let i = 0; i < tracked.length; i++) {
              const id = tracked.trackerId![i];
              if (seen.has(id)) old.push(i);
              else {
                fresh.push(i);
                seen.add(id);
                if (seen.size > cacheSize) seen.delete(seen.values().next().value as number);
              }
            }
            out.new_instances = tracked.select(fresh);
            out.already_seen_instances = tracked.select(old);
          }
          return out;
        });
      },
    };
  },
};
