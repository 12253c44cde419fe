import { InferenceError } from '../errors.js';
import type { ModelManifest } from '../manifest/types.js';
import type { TensorData } from '../runtime/types.js';
import { float32Data, postprocessError } from './tensors.js';

/** What turns a classifier's raw outputs into scores. */
export type ClassificationActivation = 'softmax' | 'sigmoid' | 'none';

/** Options of {@link decodeClassification}. */
export interface ClassificationOptions {
  /** Several labels may be true at once: sigmoid per class, threshold `confidence` (default false). */
  multiLabel?: boolean;
  /** Class names by index; when empty, names are the indices as strings. */
  classes: readonly string[];
  /** Multi-label threshold: a class is predicted when its score is above it (default 0.4). */
  confidence?: number;
  /**
   * Force the activation; 'auto' (default) applies softmax (single-label) or
   * sigmoid (multi-label) unless the output already looks like probabilities.
   */
  activation?: ClassificationActivation | 'auto';
}

/** One image's classification. */
export interface ClassificationScores {
  /** Score per class, 0..1. */
  scores: Float32Array;
  /** Class indices by descending score. */
  ranking: Uint32Array;
  /** Best class name ('' when there are no classes). */
  top: string;
  topClassId: number;
  /** Best score (0 when there are no classes). */
  topConfidence: number;
  /** Multi-label: names with score above the threshold, in class order. Single-label: `[top]`. */
  predictedClasses: string[];
  /** The activation that was applied. */
  activation: ClassificationActivation;
}

/** Tolerance on Σp = 1 when deciding that an output is already a softmax (quantised models drift a little). */
const SUM_TOLERANCE = 1e-2;

/**
 * The activation a manifest asks for in `options.activation`, or 'auto'.
 * Throws CORE_ERR_MODEL_MANIFEST for other values.
 */
export function manifestActivation(
  manifest: Pick<ModelManifest, 'options'>,
): ClassificationActivation | 'auto' {
  const a = manifest.options?.activation;
  if (a === undefined) return 'auto';
  if (a === 'softmax' || a === 'sigmoid' || a === 'none' || a === 'auto') return a;
  throw new InferenceError(
    'CORE_ERR_MODEL_MANIFEST',
    `manifest options.activation must be softmax, sigmoid or none, got ${String(a)}`,
  );
}

/**
 * Decide the activation for raw values: single-label outputs that are all in
 * [0, 1] and sum to 1 are already a softmax; multi-label outputs all in
 * [0, 1] are already sigmoid. Everything else gets the activation.
 */
function autoActivation(v: Float32Array, multiLabel: boolean): ClassificationActivation {
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (!(x >= 0 && x <= 1)) return multiLabel ? 'sigmoid' : 'softmax';
    sum += x;
  }
  if (multiLabel) return 'none';
  return Math.abs(sum - 1) <= SUM_TOLERANCE ? 'none' : 'softmax';
}

/**
 * Decode one image of a classifier output `[B, C]` (trailing 1-sized axes
 * allowed, e.g. `[B, C, 1, 1]`).
 *
 * @example
 * decodeClassification({ data: new Float32Array([2, 0, 1]), dims: [1, 3] }, 0, { classes: ['cat', 'dog', 'car'] })
 * // { top: 'cat', topConfidence: 0.665, activation: 'softmax', ... }
 */
export function decodeClassification(
  output: TensorData,
  batchIndex: number,
  opts: ClassificationOptions,
): ClassificationScores {
  const [batch, ...rest] = output.dims;
  const c = rest.reduce((a, d) => a * d, 1);
  if (output.dims.length < 2 || batchIndex < 0 || batchIndex >= batch) {
    throw postprocessError(`classification output [${output.dims.join(', ')}] has no image ${batchIndex}`);
  }
  const names = opts.classes;
  if (names.length > 0 && names.length !== c) {
    throw postprocessError(
      `classification output has ${c} scores but the manifest lists ${names.length} classes`,
    );
  }
  const multiLabel = opts.multiLabel ?? false;
  const scores = float32Data(output).slice(batchIndex * c, (batchIndex + 1) * c);
  const wanted = opts.activation ?? 'auto';
  const activation = wanted === 'auto' ? autoActivation(scores, multiLabel) : wanted;
  if (activation === 'softmax') softmaxInPlace(scores);
  else if (activation === 'sigmoid') for (let i = 0; i < c; i++) scores[i] = 1 / (1 + Math.exp(-scores[i]));

  const ranking = new Uint32Array(c);
  for (let i = 0; i < c; i++) ranking[i] = i;
  ranking.sort((a, b) => scores[b] - scores[a] || a - b);
  const name = (i: number) => (names.length > 0 ? names[i] : String(i));
  const topClassId = c > 0 ? ranking[0] : -1;
  const top = c > 0 ? name(topClassId) : '';
  const topConfidence = c > 0 ? scores[topClassId] : 0;
  const threshold = opts.confidence ?? 0.4;
  const predictedClasses: string[] = [];
  if (multiLabel) {
    for (let i = 0; i < c; i++) if (scores[i] > threshold) predictedClasses.push(name(i));
  } else if (c > 0) predictedClasses.push(top);
  return { scores, ranking, top, topClassId, topConfidence, predictedClasses, activation };
}

/** Numerically stable softmax (max subtracted first). */
function softmaxInPlace(v: Float32Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) if (v[i] > max) max = v[i];
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.exp(v[i] - max);
    sum += v[i];
  }
  for (let i = 0; i < v.length; i++) v[i] /= sum;
}
