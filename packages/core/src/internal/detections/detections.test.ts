import { describe, expect, it } from 'vitest';
import { Detections } from './detections.js';
import type { RegionMask } from './mask.js';

const mask = (v: number): RegionMask => ({ x0: 0, y0: 0, width: 1, height: 1, data: Uint8Array.of(v) });

function dets(n: number, from = 0, extra: Partial<ConstructorParameters<typeof Detections>[0]> = {}) {
  return new Detections({
    xyxy: Float32Array.from({ length: n * 4 }, (_, i) => from * 4 + i),
    confidence: Float32Array.from({ length: n }, (_, i) => (from + i) / 10),
    classId: Int32Array.from({ length: n }, (_, i) => from + i),
    data: { className: Array.from({ length: n }, (_, i) => `c${from + i}`) },
    ...extra,
  });
}

describe('Detections', () => {
  it('refuses columns of the wrong length', () => {
    expect(
      () =>
        new Detections({
          xyxy: new Float32Array(3),
          confidence: new Float32Array(1),
          classId: new Int32Array(1),
        }),
    ).toThrow(/xyxy has 3 values, expected 4/);
    expect(() => dets(2, 0, { classId: new Int32Array(1) })).toThrow(/classId has 1 values, expected 2/);
    expect(() => dets(2, 0, { masks: [mask(1)] })).toThrow(/masks has 1 entries/);
    expect(() => dets(2, 0, { data: { className: ['a'] } })).toThrow(/data.className has 1 entries/);
    expect(() => dets(1, 0, { keypoints: new Float32Array(5), keypointCount: 2 })).toThrow(
      /keypoints length/,
    );
  });

  it('select and filter index every column together, into new arrays', () => {
    const d = dets(3, 0, { trackerId: Int32Array.of(7, 8, 9), masks: [mask(1), mask(2), mask(3)] });
    const s = d.select([2, 0]);
    expect(Array.from(s.xyxy)).toEqual([8, 9, 10, 11, 0, 1, 2, 3]);
    expect(Array.from(s.classId)).toEqual([2, 0]);
    expect(Array.from(s.trackerId ?? [])).toEqual([9, 7]);
    expect(s.data.className).toEqual(['c2', 'c0']);
    expect(s.masks?.map((m) => m.data[0])).toEqual([3, 1]);
    expect(s.xyxy.buffer).not.toBe(d.xyxy.buffer);
    expect(d.filter((i) => d.confidence[i] > 0.05).length).toBe(2);
  });

  it('with() replaces fields and leaves the original as it was', () => {
    const d = dets(2);
    const t = d.with({ trackerId: Int32Array.of(1, 2) });
    expect(d.trackerId).toBeUndefined();
    expect(Array.from(t.trackerId ?? [])).toEqual([1, 2]);
    expect(t.xyxy).toBe(d.xyxy);
  });

  it('cannot have its columns changed after construction', () => {
    const className = ['a'];
    const d = dets(1, 0, { data: { className }, masks: [mask(1)], metadata: { k: 1 } });
    className.push('b'); // the caller's array is not the detections' column
    expect(d.data.className).toEqual(['a']);
    expect(() => (d.data.className as unknown[]).push('c')).toThrow(TypeError);
    expect(() => {
      (d.data as Record<string, unknown>).extra = [];
    }).toThrow(TypeError);
    expect(() => (d.masks as RegionMask[]).push(mask(2))).toThrow(TypeError);
    expect(() => {
      (d.metadata as Record<string, unknown>).k = 2;
    }).toThrow(TypeError);
  });

  describe('merge', () => {
    it('concatenates, keeping optional columns only when every non-empty part has them', () => {
      const a = dets(2, 0, { trackerId: Int32Array.of(1, 2), masks: [mask(1), mask(2)] });
      const b = dets(1, 2, { trackerId: Int32Array.of(3) });
      const m = Detections.merge([a, Detections.empty(), b]);
      expect(m.length).toBe(3);
      expect(Array.from(m.xyxy)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      expect(Array.from(m.classId)).toEqual([0, 1, 2]);
      expect(Array.from(m.trackerId ?? [])).toEqual([1, 2, 3]);
      expect(m.masks).toBeUndefined(); // b has none
      expect(m.data.className).toEqual(['c0', 'c1', 'c2']);
    });

    it('keeps keypoints when every part has the same count', () => {
      const kp = (n: number, v: number) => new Float32Array(n * 2 * 3).fill(v);
      const a = dets(1, 0, { keypoints: kp(1, 1), keypointCount: 2 });
      const b = dets(2, 1, { keypoints: kp(2, 2), keypointCount: 2 });
      const m = Detections.merge([a, b]);
      expect(m.keypointCount).toBe(2);
      expect(Array.from(m.keypoints ?? [])).toEqual([...kp(1, 1), ...kp(2, 2)]);
      const c = dets(1, 3, { keypoints: new Float32Array(3), keypointCount: 1 });
      expect(Detections.merge([a, c]).keypoints).toBeUndefined();
    });

    it('gives the one non-empty part itself, and an empty set for nothing', () => {
      const a = dets(2);
      expect(Detections.merge([Detections.empty(), a])).toBe(a);
      expect(Detections.merge([]).length).toBe(0);
    });

    it('leaves its inputs unchanged', () => {
      const a = dets(1);
      const before = Array.from(a.xyxy);
      Detections.merge([a, dets(1, 1)]);
      expect(Array.from(a.xyxy)).toEqual(before);
    });
  });
});
