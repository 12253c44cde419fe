import { describe, expect, it } from 'vitest';
import { ctcGreedyDecode } from './ctc.js';

const ALPHABET = ['', 'a', 'b', ' '];

/** One row per step; each row is one-hot-ish with the given winner and probability. */
function matrix(rows: [number, number][], classes = ALPHABET.length): Float32Array {
  const m = new Float32Array(rows.length * classes);
  rows.forEach(([winner, p], t) => {
    for (let c = 0; c < classes; c++) m[t * classes + c] = c === winner ? p : (1 - p) / (classes - 1);
  });
  return m;
}

describe('ctcGreedyDecode', () => {
  it('collapses repeats, drops blanks, and lets a blank separate a doubled letter', () => {
    // a a _ a b b _ _ ' ' b
    const m = matrix([
      [1, 0.9],
      [1, 0.8],
      [0, 0.99],
      [1, 0.7],
      [2, 0.6],
      [2, 0.9],
      [0, 0.9],
      [0, 0.9],
      [3, 0.5],
      [2, 0.8],
    ]);
    const out = ctcGreedyDecode(m, 10, 4, ALPHABET);
    expect(out.text).toBe('aab b');
    // confidence = mean over the first step of each emitted run: 0.9, 0.7, 0.6, 0.5, 0.8
    expect(out.confidence).toBeCloseTo((0.9 + 0.7 + 0.6 + 0.5 + 0.8) / 5, 6);
  });

  it('returns empty text with zero confidence for an all-blank sequence', () => {
    const out = ctcGreedyDecode(
      matrix([
        [0, 0.9],
        [0, 0.95],
      ]),
      2,
      4,
      ALPHABET,
    );
    expect(out).toEqual({ text: '', confidence: 0 });
  });

  it('reads one sequence out of a batch through the offset', () => {
    const batch = new Float32Array([
      ...matrix([
        [1, 0.9],
        [1, 0.9],
      ]),
      ...matrix([
        [2, 0.9],
        [0, 0.9],
        [2, 0.9],
      ]).subarray(0, 8),
    ]);
    expect(ctcGreedyDecode(batch, 2, 4, ALPHABET, 0).text).toBe('a');
    expect(ctcGreedyDecode(batch, 2, 4, ALPHABET, 8).text).toBe('b');
  });
});
