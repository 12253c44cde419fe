/** Small helpers heads share to read output tensors and metadata safely. */
import { InferenceError, ModelError } from '../errors.js';
import type { TensorData, TensorInfo } from '../runtime/types.js';

/**
 * The tensor's values as a Float32Array: the same array when it already is
 * one (the usual case, no copy), else a converted copy (int64 labels, ...).
 * Hot loops then see a single array type.
 */
export function float32Data(t: TensorData): Float32Array {
  const d = t.data;
  if (d instanceof Float32Array) return d;
  if (d instanceof BigInt64Array) {
    const out = new Float32Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
    return out;
  }
  return Float32Array.from(d);
}

/** A known dimension, or NaN for a symbolic/dynamic one. */
export function dimOf(info: TensorInfo, axis: number): number {
  const d = info.shape[axis];
  return typeof d === 'number' && d >= 0 ? d : Number.NaN;
}

/** `name [1, 84, 8400]` for messages. */
export function describe(info: { name: string; shape: readonly (number | string)[] }): string {
  return `${info.name} [${info.shape.join(', ')}]`;
}

/** A CORE_ERR_MODEL_FAMILY error (outputs do not fit the head). */
export function familyError(message: string, details?: Record<string, unknown>): ModelError {
  return new ModelError('CORE_ERR_MODEL_FAMILY', message, details ? { details } : undefined);
}

/** A CORE_ERR_POSTPROCESS error (a run's tensors do not fit the head). */
export function postprocessError(message: string): InferenceError {
  return new InferenceError('CORE_ERR_POSTPROCESS', message);
}

/** Check a runtime tensor's rank and batch index; throw CORE_ERR_POSTPROCESS otherwise. */
export function checkTensor(
  t: TensorData | undefined,
  name: string,
  rank: number,
  batchIndex: number,
): TensorData {
  if (!t) throw postprocessError(`output ${name} is missing from the model run`);
  if (t.dims.length !== rank) {
    throw postprocessError(`output ${name} has shape [${t.dims.join(', ')}], expected rank ${rank}`);
  }
  if (batchIndex < 0 || batchIndex >= t.dims[0]) {
    throw postprocessError(`output ${name} has batch size ${t.dims[0]}, cannot read image ${batchIndex}`);
  }
  return t;
}

/** Entries of the run's outputs, in model order, that have the given rank. */
export function outputsOfRank(outputs: Record<string, TensorData>, rank: number): [string, TensorData][] {
  return Object.entries(outputs).filter(([, t]) => t.dims.length === rank);
}
