import { describe, expect, it } from 'vitest';
import { argsortDescending, classFilterMask, confidenceFilter, topKByScore } from './filter.js';

describe('candidate filters', () => {
  it('maps class names to an allowed-id mask, ignoring unknown names', () => {
    expect(Array.from(classFilterMask(['cat', 'dog', 'car'], ['car', 'cat', 'unicorn'])!)).toEqual([1, 0, 1]);
    expect(Array.from(classFilterMask(['cat', 'dog'], ['unicorn'])!)).toEqual([0, 0]);
    expect(classFilterMask(['cat'], undefined)).toBeUndefined();
  });

  it('keeps scores strictly above the threshold and allowed classes', () => {
    const scores = new Float32Array([0.2, 0.9, 0.5, 0.4, 0.7]);
    expect(Array.from(confidenceFilter(scores, 0.4))).toEqual([1, 2, 4]);
    const classes = new Int32Array([0, 1, 0, 1, 1]);
    expect(Array.from(confidenceFilter(scores, 0.4, classes, new Uint8Array([0, 1])))).toEqual([1, 4]);
  });

  it('sorts by descending score with ties in index order', () => {
    expect(Array.from(argsortDescending([0.5, 0.9, 0.5, 0.1, 0.9]))).toEqual([1, 4, 0, 2, 3]);
    const sub = new Uint32Array([3, 0, 1]);
    expect(argsortDescending([0.5, 0.9, 0.5, 0.1], sub)).toBe(sub);
    expect(Array.from(sub)).toEqual([1, 0, 3]);
  });

  it('takes the top k', () => {
    const s = new Float32Array([0.1, 0.9, 0.5, 0.7]);
    expect(Array.from(topKByScore(s, 2))).toEqual([1, 3]);
    expect(Array.from(topKByScore(s, 10))).toEqual([1, 3, 2, 0]);
    expect(Array.from(topKByScore(s, 0))).toEqual([]);
  });
});

describe('an empty class filter', () => {
  it('means no filter, as in Roboflow', () => {
    expect(classFilterMask(['cat', 'dog'], [])).toBeUndefined();
  });
});
