/**
 * Candidate filtering before NMS: class filter, confidence threshold, top-k.
 */

/**
 * Turn a class-name filter into a mask by class id (1 = allowed). Returns
 * `undefined` when there is no filter (every class allowed). Names that the
 * model does not know are ignored, so a filter of only unknown names allows
 * nothing.
 *
 * @example
 * classFilterMask(['cat', 'dog', 'car'], ['dog']) // Uint8Array [0, 1, 0]
 * classFilterMask(['cat', 'dog'], undefined)      // undefined
 */
export function classFilterMask(
  classNames: readonly string[],
  classFilter?: readonly string[],
): Uint8Array | undefined {
  // an empty list means no filter, as in Roboflow (`if class_filter: ...`)
  if (!classFilter || classFilter.length === 0) return undefined;
  const wanted = new Set(classFilter);
  const mask = new Uint8Array(classNames.length);
  for (let c = 0; c < classNames.length; c++) if (wanted.has(classNames[c])) mask[c] = 1;
  return mask;
}

/**
 * Indices `i` with `scores[i] > threshold` (strictly, as Ultralytics does;
 * compared in float32, so a float32 score equal to the threshold is dropped) and,
 * when `allowed` is given, `allowed[classIds[i]] === 1`. Ascending order.
 *
 * @example
 * confidenceFilter(new Float32Array([0.2, 0.9, 0.5]), 0.4) // Uint32Array [1, 2]
 */
export function confidenceFilter(
  scores: ArrayLike<number>,
  threshold: number,
  classIds?: ArrayLike<number>,
  allowed?: Uint8Array,
): Uint32Array {
  const out = new Uint32Array(scores.length);
  const t = Math.fround(threshold);
  let n = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!(scores[i] > t)) continue;
    if (allowed && classIds && allowed[classIds[i]] !== 1) continue;
    out[n++] = i;
  }
  return out.slice(0, n);
}

/**
 * Sort indices by descending score; ties keep ascending index so results are
 * deterministic. Sorts `indices` in place when given, else all `0..n-1`.
 *
 * @example
 * argsortDescending(new Float32Array([0.1, 0.9, 0.5])) // Uint32Array [1, 2, 0]
 */
export function argsortDescending(scores: ArrayLike<number>, indices?: Uint32Array): Uint32Array {
  let idx = indices;
  if (!idx) {
    idx = new Uint32Array(scores.length);
    for (let i = 0; i < idx.length; i++) idx[i] = i;
  }
  return idx.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * The `k` highest-scoring indices, best first (Roboflow's `max_candidates`).
 *
 * @example
 * topKByScore(new Float32Array([0.1, 0.9, 0.5]), 2) // Uint32Array [1, 2]
 */
export function topKByScore(scores: ArrayLike<number>, k: number): Uint32Array {
  const order = argsortDescending(scores);
  return k < order.length ? order.slice(0, Math.max(0, k)) : order;
}
