import { Detections, ObjectDetectionResult, zeroTimings } from '@inference-ts/core';
import { describe, expect, it } from 'vitest';
import { ByteTrack } from './byte-track.js';
import { withDetections } from './with-detections.js';

type Box = [number, number, number, number, number]; // x1 y1 x2 y2 conf

function dets(boxes: Box[]): Detections {
  return new Detections({
    xyxy: Float32Array.from(boxes.flatMap((b) => b.slice(0, 4))),
    confidence: Float32Array.from(boxes.map((b) => b[4])),
    classId: new Int32Array(boxes.length),
  });
}

/** Object A moves right, object B moves down; 40x40 boxes. */
const a = (k: number): Box => [10 + 4 * k, 10, 50 + 4 * k, 50, 0.9];
const b = (k: number): Box => [300, 20 + 3 * k, 340, 60 + 3 * k, 0.8];

function idsByX(d: Detections): Map<number, number> {
  const m = new Map<number, number>();
  for (let i = 0; i < d.length; i++) m.set(Math.round(d.xyxy[i * 4]), d.trackerId![i]);
  return m;
}

describe('ByteTrack', () => {
  it('has supervision defaults', () => {
    const t = new ByteTrack();
    expect(t.trackActivationThreshold).toBe(0.25);
    expect(t.minimumMatchingThreshold).toBe(0.8);
    expect(t.minimumConsecutiveFrames).toBe(1);
    expect(t.maxTimeLost).toBe(30);
    expect(new ByteTrack({ frameRate: 15 }).maxTimeLost).toBe(15);
  });

  it('keeps ids stable for moving boxes, in input order', () => {
    const t = new ByteTrack();
    const first = t.update(dets([a(0), b(0)]));
    expect(Array.from(first.trackerId!)).toEqual([1, 2]);
    for (let k = 1; k < 40; k++) {
      // swap input order every other frame: ids must follow the objects, not the positions in the list
      const input = k % 2 ? dets([b(k), a(k)]) : dets([a(k), b(k)]);
      const out = t.update(input);
      expect(out.length).toBe(2);
      const ids = idsByX(out);
      expect(ids.get(10 + 4 * k)).toBe(1);
      expect(ids.get(300)).toBe(2);
      expect(out.xyxy[0]).toBe(input.xyxy[0]); // detections keep their order and boxes
    }
  });

  it('re-identifies an object after a short occlusion within lost_track_buffer', () => {
    const t = new ByteTrack();
    for (let k = 0; k < 10; k++) t.update(dets([a(k), b(k)]));
    // A disappears for 8 frames (keeps moving behind the occluder)
    for (let k = 10; k < 18; k++) {
      const out = t.update(dets([b(k)]));
      expect(Array.from(out.trackerId!)).toEqual([2]);
    }
    const back = t.update(dets([a(18), b(18)]));
    expect(idsByX(back).get(10 + 4 * 18)).toBe(1);
    expect(idsByX(back).get(300)).toBe(2);
  });

  it('gives a new id once the lost buffer has expired', () => {
    const t = new ByteTrack({ lostTrackBuffer: 3 });
    for (let k = 0; k < 5; k++) t.update(dets([a(0)]));
    for (let k = 0; k < 5; k++) t.update(dets([]));
    t.update(dets([a(0)]));
    const out = t.update(dets([a(0)]));
    expect(Array.from(out.trackerId!)).toEqual([2]);
  });

  it('assigns new ids to new objects, confirmed on their second hit', () => {
    const t = new ByteTrack();
    t.update(dets([a(0)]));
    const c = (k: number): Box => [100, 200 + k, 150, 260 + k, 0.85];
    const appear = t.update(dets([a(1), c(1)]));
    // a new object after frame 1 is not reported until confirmed
    expect(Array.from(appear.trackerId!)).toEqual([1]);
    const next = t.update(dets([a(2), c(2)]));
    expect(Array.from(next.trackerId!)).toEqual([1, 2]);
  });

  it('keeps a track alive through a low-confidence detection (second association)', () => {
    const t = new ByteTrack();
    for (let k = 0; k < 5; k++) t.update(dets([a(k)]));
    const weak: Box = [...a(5).slice(0, 4), 0.15] as Box;
    const out = t.update(dets([weak]));
    expect(Array.from(out.trackerId!)).toEqual([1]);
    // a weak detection never starts a track of its own
    const fresh = new ByteTrack();
    expect(fresh.update(dets([weak])).length).toBe(0);
  });

  it('does not start tracks below activation + 0.1 and reset() restarts ids', () => {
    const t = new ByteTrack();
    expect(t.update(dets([[0, 0, 10, 10, 0.3]])).length).toBe(0);
    t.update(dets([a(0)]));
    t.reset();
    expect(t.frame).toBe(0);
    expect(Array.from(t.update(dets([b(0)])).trackerId!)).toEqual([1]);
  });

  it('withDetections rebuilds a core result so toJSON carries tracker_id', () => {
    const t = new ByteTrack();
    const d = dets([a(0)]);
    const result = new ObjectDetectionResult({
      inferenceId: 'id',
      image: { width: 640, height: 480 },
      detections: d,
      classNames: ['thing'],
      timings: zeroTimings(),
    });
    const tracked = withDetections(result, t.update(d));
    expect(tracked).toBeInstanceOf(ObjectDetectionResult);
    expect(tracked.toJSON().predictions[0].tracker_id).toBe(1);
    expect(result.toJSON().predictions[0].tracker_id).toBeUndefined();
  });
});

describe('ByteTrack edge cases', () => {
  it('follows sub-pixel-thin boxes', () => {
    const t = new ByteTrack();
    for (let k = 0; k < 5; k++) {
      const out = t.update(dets([[10 + k, 10, 30 + k, 10.5, 0.9]]));
      expect(Array.from(out.trackerId!)).toEqual([1]);
    }
  });

  it('handles empty frames and keeps other detection fields (classId, data) aligned', () => {
    expect(new ByteTrack().update(Detections.empty()).length).toBe(0);
    const t = new ByteTrack();
    const d = new Detections({
      xyxy: Float32Array.of(0, 0, 10, 10, 50, 50, 70, 70),
      confidence: Float32Array.of(0.05, 0.9), // the first is below the low-confidence floor
      classId: Int32Array.of(3, 7),
      data: { className: ['a', 'b'] },
    });
    const out = t.update(d);
    expect(Array.from(out.classId)).toEqual([7]);
    expect(out.data.className).toEqual(['b']);
  });
});
