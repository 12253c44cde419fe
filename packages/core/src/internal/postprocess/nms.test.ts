import { describe, expect, it } from 'vitest';
import { nms } from './nms.js';
import { resolveDetectionParams } from './params.js';
import { selectDetections } from './select.js';

// Boxes 0 and 1 overlap (IoU 0.818), 2 overlaps 0 (IoU 0.822), 3 is apart.
const boxes = new Float32Array([10, 10, 30, 30, 12, 10, 32, 30, 11, 11, 31, 31, 45, 45, 55, 55]);
const scores = new Float32Array([0.9, 0.8, 0.7, 0.6]);
const classes = new Int32Array([0, 0, 1, 1]);
const list = (a: Uint32Array) => Array.from(a);

describe('nms', () => {
  it('class-aware: boxes of different classes never suppress each other', () => {
    expect(list(nms(boxes, scores, { iouThreshold: 0.5, classIds: classes }))).toEqual([0, 2, 3]);
  });

  it('class-agnostic: the best box suppresses every class', () => {
    expect(list(nms(boxes, scores, { iouThreshold: 0.5, classIds: classes, classAgnostic: true }))).toEqual([
      0, 3,
    ]);
    expect(list(nms(boxes, scores, { iouThreshold: 0.5 }))).toEqual([0, 3]);
  });

  it('suppresses only when IoU is strictly above the threshold', () => {
    const b = new Float32Array([0, 0, 10, 10, 0, 0, 10, 5]); // IoU exactly 0.5
    expect(list(nms(b, [0.9, 0.8], { iouThreshold: 0.5 }))).toEqual([0, 1]);
    expect(list(nms(b, [0.9, 0.8], { iouThreshold: 0.49 }))).toEqual([0]);
  });

  it('returns kept indices sorted by score whatever the input order', () => {
    const s = new Float32Array([0.2, 0.3, 0.95, 0.5]);
    expect(list(nms(boxes, s, { iouThreshold: 0.9, classIds: classes }))).toEqual([2, 3, 1, 0]);
  });

  it('caps at maxDetections, class-aware and agnostic', () => {
    expect(list(nms(boxes, scores, { iouThreshold: 0.9, classIds: classes, maxDetections: 2 }))).toEqual([
      0, 1,
    ]);
    expect(list(nms(boxes, scores, { iouThreshold: 0.9, maxDetections: 3 }))).toEqual([0, 1, 2]);
    expect(list(nms(boxes, scores, { iouThreshold: 0.9, maxDetections: 0 }))).toEqual([]);
  });

  it('works on a pre-sorted subset given as order', () => {
    const order = new Uint32Array([1, 2, 3]);
    expect(list(nms(boxes, scores, { iouThreshold: 0.5, order }))).toEqual([1, 3]);
  });

  it('handles no boxes', () => {
    expect(list(nms(new Float32Array(0), new Float32Array(0), { iouThreshold: 0.5 }))).toEqual([]);
  });
});

describe('selectDetections', () => {
  const c = { xyxy: boxes, confidence: scores, classId: classes };
  it('applies max candidates before NMS', () => {
    // Top 2 are 0 and 1 (same class, overlapping): only 0 survives.
    expect(list(selectDetections(c, resolveDetectionParams({ maxCandidates: 2 }), true))).toEqual([0]);
    expect(list(selectDetections(c, resolveDetectionParams({}), true))).toEqual([0, 2, 3]);
  });
  it('skips NMS for NMS-free models but still caps', () => {
    expect(list(selectDetections(c, resolveDetectionParams({ maxDetections: 3 }), false))).toEqual([0, 1, 2]);
  });
});
