/** A decoded sequence and its confidence. */
export interface CtcDecoded {
  text: string;
  /** Mean of the winning probabilities of the emitted characters (0 when nothing is emitted). */
  confidence: number;
}

/**
 * Greedy CTC decoding of one sequence: take the best class at each step,
 * collapse runs of the same class, drop the blank (class 0).
 *
 * @param probs row-major `[steps, classes]` probabilities (already softmaxed), possibly a view into a batch.
 * @param alphabet class index -> character; index 0 is the blank.
 * @example
 * // steps: a a _ a b b   (a=1, b=2, _=blank)
 * ctcGreedyDecode(probs, 6, 3, ['', 'a', 'b']).text // 'aab'
 */
export function ctcGreedyDecode(
  probs: Float32Array,
  steps: number,
  classes: number,
  alphabet: readonly string[],
  offset = 0,
): CtcDecoded {
  let text = '';
  let sum = 0;
  let emitted = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestP = probs[row];
    for (let c = 1; c < classes; c++) {
      const p = probs[row + c];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += alphabet[best] ?? '';
      sum += bestP;
      emitted++;
    }
    previous = best;
  }
  return { text, confidence: emitted > 0 ? sum / emitted : 0 };
}
