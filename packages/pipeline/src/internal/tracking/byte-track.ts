import type { Detections } from '@inference-ts/core';
import { assignWithLimit } from './assignment.js';
import { iouCost } from './iou.js';
import { Track } from './track.js';

/** ByteTrack settings; the defaults are supervision's `ByteTrack` defaults. */
export interface ByteTrackOptions {
  /** Detections above this confidence start tracks and take part in the first association (default 0.25). */
  trackActivationThreshold?: number;
  /** Frames a lost track is kept for re-identification, at 30 fps (default 30). */
  lostTrackBuffer?: number;
  /** Largest fused `1 − IoU×score` cost accepted in the first association (default 0.8). */
  minimumMatchingThreshold?: number;
  /** Video frame rate; scales `lostTrackBuffer` (default 30). */
  frameRate?: number;
  /** Hits needed before a new track is reported (default 1). */
  minimumConsecutiveFrames?: number;
}

/** Detections between this confidence and the activation threshold join the second association only. */
const LOW_CONFIDENCE_FLOOR = 0.1;
/** IoU-cost limit for low-confidence detections against still-unmatched tracks. */
const SECOND_MATCH_LIMIT = 0.5;
/** IoU-cost limit for unconfirmed (one-hit) tracks against leftover detections. */
const UNCONFIRMED_MATCH_LIMIT = 0.7;
/** Tracked and lost tracks closer than this IoU cost are duplicates; the younger one goes. */
const DUPLICATE_LIMIT = 0.15;
/** A new track needs this much more confidence than the activation threshold. */
const NEW_TRACK_MARGIN = 0.1;

/**
 * Multi-object tracker after ByteTrack (Zhang et al., 2022): Kalman-predicted boxes
 * are associated with confident detections first (IoU fused with score), then the
 * leftover tracks with low-confidence detections, so objects survive brief dips in
 * confidence. Class-agnostic. Use one tracker per video source.
 *
 * @example
 * const tracker = new ByteTrack();
 * for await (const frame of frames) {
 *   const tracked = tracker.update(detect(frame));  // Detections with trackerId
 *   tracked.trackerId                                // Int32Array [1, 2, ...], stable across frames
 * }
 */
export class ByteTrack {
  readonly trackActivationThreshold: number;
  readonly minimumMatchingThreshold: number;
  readonly minimumConsecutiveFrames: number;
  /** Frames a lost track survives (`frameRate / 30 × lostTrackBuffer`). */
  readonly maxTimeLost: number;
  readonly #newTrackThreshold: number;
  #frame = 0;
  #nextId = 1;
  #tracked: Track[] = [];
  #lost: Track[] = [];

  constructor(options: ByteTrackOptions = {}) {
    this.trackActivationThreshold = options.trackActivationThreshold ?? 0.25;
    this.minimumMatchingThreshold = options.minimumMatchingThreshold ?? 0.8;
    this.minimumConsecutiveFrames = Math.max(1, Math.floor(options.minimumConsecutiveFrames ?? 1));
    this.maxTimeLost = Math.floor(((options.frameRate ?? 30) / 30) * (options.lostTrackBuffer ?? 30));
    this.#newTrackThreshold = this.trackActivationThreshold + NEW_TRACK_MARGIN;
  }

  /** Number of updates so far. */
  get frame(): number {
    return this.#frame;
  }

  /** Forget every track and restart ids from 1. */
  reset(): void {
    this.#frame = 0;
    this.#nextId = 1;
    this.#tracked = [];
    this.#lost = [];
  }

  /**
   * Feed one frame's detections; returns the detections that belong to confirmed tracks,
   * in input order, with `trackerId` set. Detections that start a track are returned from
   * the frame where the track is confirmed (the first frame of the video, or the next hit).
   */
  update(detections: Detections): Detections {
    const frame = ++this.#frame;
    const boxes = detections.xyxy;
    const scores = detections.confidence;
    const high: number[] = [];
    const low: number[] = [];
    for (let i = 0; i < detections.length; i++) {
      const s = scores[i];
      if (s > this.trackActivationThreshold) high.push(i);
      else if (s > LOW_CONFIDENCE_FLOOR && s < this.trackActivationThreshold) low.push(i);
    }
    for (const t of this.#tracked) t.detectionIndex = -1;
    for (const t of this.#lost) t.detectionIndex = -1;

    const unconfirmed = this.#tracked.filter((t) => !t.activated);
    const pool = [...this.#tracked.filter((t) => t.activated), ...this.#lost];
    for (const t of pool) t.predict();
    const activated: Track[] = [];
    const refound: Track[] = [];
    const newlyLost: Track[] = [];

    // 1) confident detections against every confirmed or lost track
    const first = assignWithLimit(
      iouCost(boxesOf(pool), boxes, high, scores),
      pool.length,
      high.length,
      this.minimumMatchingThreshold,
    );
    for (const [r, c] of first.matches) {
      const track = pool[r];
      const d = high[c];
      if (track.status === 'tracked') {
        this.#hit(track, boxes, d, scores[d], frame);
        activated.push(track);
      } else {
        this.#reactivate(track, boxes, d, scores[d], frame);
        refound.push(track);
      }
    }
    const leftHigh = first.unmatchedCols.map((c) => high[c]);

    // 2) low-confidence detections against tracks that were being followed but went unmatched
    const stillTracked = first.unmatchedRows.map((r) => pool[r]).filter((t) => t.status === 'tracked');
    const second = assignWithLimit(
      iouCost(boxesOf(stillTracked), boxes, low),
      stillTracked.length,
      low.length,
      SECOND_MATCH_LIMIT,
    );
    for (const [r, c] of second.matches) {
      const d = low[c];
      this.#hit(stillTracked[r], boxes, d, scores[d], frame);
      activated.push(stillTracked[r]);
    }
    for (const r of second.unmatchedRows) {
      const t = stillTracked[r];
      if (t.status !== 'lost') {
        t.status = 'lost';
        newlyLost.push(t);
      }
    }

    // 3) one-hit tracks get one chance against the confident leftovers, else they go
    const third = assignWithLimit(
      iouCost(boxesOf(unconfirmed), boxes, leftHigh, scores),
      unconfirmed.length,
      leftHigh.length,
      UNCONFIRMED_MATCH_LIMIT,
    );
    for (const [r, c] of third.matches) {
      const d = leftHigh[c];
      this.#hit(unconfirmed[r], boxes, d, scores[d], frame);
      activated.push(unconfirmed[r]);
    }
    for (const r of third.unmatchedRows) {
      unconfirmed[r].status = 'removed';
    }

    // 4) confident detections nobody claimed start new tracks
    for (const c of third.unmatchedCols) {
      const d = leftHigh[c];
      if (scores[d] < this.#newTrackThreshold) continue;
      activated.push(this.#start(boxes, d, scores[d], frame));
    }

    // 5) lost tracks past their buffer are dropped
    for (const t of this.#lost) {
      if (t.status === 'lost' && frame - t.lastFrame > this.maxTimeLost) {
        t.status = 'removed';
      }
    }

    let tracked = unique([...this.#tracked.filter((t) => t.status === 'tracked'), ...activated, ...refound]);
    let lost = unique([...this.#lost.filter((t) => t.status === 'lost'), ...newlyLost]).filter(
      (t) => t.status === 'lost',
    );
    [tracked, lost] = dropDuplicates(tracked, lost);
    this.#tracked = tracked;
    this.#lost = lost;
    return this.#output(detections, tracked);
  }

  #hit(track: Track, boxes: Float32Array, d: number, score: number, frame: number): void {
    track.correct(boxes, d * 4, score, frame, d);
    track.trackletLength++;
    if (track.trackletLength === this.minimumConsecutiveFrames) {
      track.activated = true;
      if (track.externalId < 0) track.externalId = this.#nextId++;
    }
  }

  #reactivate(track: Track, boxes: Float32Array, d: number, score: number, frame: number): void {
    track.correct(boxes, d * 4, score, frame, d);
    track.trackletLength = 0;
    track.activated = true;
  }

  #start(boxes: Float32Array, d: number, score: number, frame: number): Track {
    const track = new Track(boxes, d * 4, score, frame);
    track.detectionIndex = d;
    // The very first frame has nothing to confirm against, so its tracks count at once.
    if (frame === 1) track.activated = true;
    if (frame === 1 || this.minimumConsecutiveFrames === 1) track.externalId = this.#nextId++;
    return track;
  }

  #output(detections: Detections, tracked: readonly Track[]): Detections {
    const idOf = new Int32Array(detections.length).fill(-1);
    for (const t of tracked) {
      if (t.activated && t.externalId >= 0 && t.detectionIndex >= 0) idOf[t.detectionIndex] = t.externalId;
    }
    const keep: number[] = [];
    for (let i = 0; i < idOf.length; i++) if (idOf[i] >= 0) keep.push(i);
    const ids = Int32Array.from(keep, (i) => idOf[i]);
    return detections.select(keep).with({ trackerId: ids });
  }
}

function boxesOf(tracks: readonly Track[]): Float64Array {
  const out = new Float64Array(tracks.length * 4);
  for (let i = 0; i < tracks.length; i++) out.set(tracks[i].box(), i * 4);
  return out;
}

function unique(tracks: Track[]): Track[] {
  return [...new Set(tracks)];
}

/** A tracked and a lost track on the same spot: keep the one followed for longer. */
function dropDuplicates(tracked: Track[], lost: Track[]): [Track[], Track[]] {
  if (tracked.length === 0 || lost.length === 0) return [tracked, lost];
  const cost = iouCost(
    boxesOf(tracked),
    boxesOf(lost),
    lost.map((_, i) => i),
  );
  const dropTracked = new Set<Track>();
  const dropLost = new Set<Track>();
  for (let p = 0; p < tracked.length; p++) {
    for (let q = 0; q < lost.length; q++) {
      if (cost[p * lost.length + q] >= DUPLICATE_LIMIT) continue;
      const a = tracked[p];
      const b = lost[q];
      if (a.lastFrame - a.startFrame > b.lastFrame - b.startFrame) dropLost.add(b);
      else dropTracked.add(a);
    }
  }
  return [tracked.filter((t) => !dropTracked.has(t)), lost.filter((t) => !dropLost.has(t))];
}
