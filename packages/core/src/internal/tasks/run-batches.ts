import type { RgbImage } from '../image/types.js';
import { preprocessInto } from '../preprocess/index.js';
import type { PreprocessMeta } from '../preprocess/types.js';
import type { StageTimings } from '../results/timings.js';
import type { TensorData } from '../runtime/types.js';
import type { InferOptions, ModelRuntime } from './types.js';

/** One session call's worth of work: its outputs and the metas of the images in it. */
export interface BatchRun {
  outputs: Record<string, TensorData>;
  metas: PreprocessMeta[];
  /** Index of the first image of this chunk in the caller's list. */
  offset: number;
  preprocessMs: number;
  inferMs: number;
}

/**
 * Preprocess and run images through the session: one call for a dynamic-batch
 * model, image by image (or in chunks of the fixed batch size) otherwise.
 */
export async function runInBatches(
  rt: ModelRuntime,
  images: readonly RgbImage[],
  opts: InferOptions,
): Promise<BatchRun[]> {
  const runs: BatchRun[] = [];
  const step = Number.isFinite(rt.maxBatch) ? Math.max(1, rt.maxBatch) : images.length;
  const disable = {
    staticCrop: opts.disablePreprocStaticCrop,
    grayscale: opts.disablePreprocGrayscale,
    contrast: opts.disablePreprocContrast,
  };
  const plane = 3 * rt.inputHeight * rt.inputWidth;
  for (let offset = 0; offset < images.length; offset += step) {
    const chunk = images.slice(offset, offset + step);
    const t0 = performance.now();
    // a fixed-batch model given fewer images gets zero padding; its extra outputs are ignored
    const batch = Number.isFinite(rt.maxBatch) ? rt.maxBatch : chunk.length;
    // a worker session lends a buffer that goes to its worker as is (no copy of the input)
    const lent = rt.session.lendInput?.(batch * plane * 4);
    const input = lent ? new Float32Array(lent) : takeInputBuffer(rt, batch * plane);
    const metas = chunk.map((image, i) =>
      preprocessInto(image, rt.manifest.input, input, i * plane, rt.manifest.adjustments, disable),
    );
    if (chunk.length < batch) input.fill(0, chunk.length * plane);
    const t1 = performance.now();
    let outputs: Record<string, TensorData>;
    try {
      outputs = await rt.session.run({
        [rt.inputName]: { data: input, dims: [batch, 3, rt.inputHeight, rt.inputWidth] },
      });
    } finally {
      if (!lent) returnInputBuffer(rt, input);
    }
    const t2 = performance.now();
    runs.push({ outputs, metas, offset, preprocessMs: t1 - t0, inferMs: t2 - t1 });
  }
  return runs;
}

/**
 * Charge a run's preprocess and infer time, and `postMs` of postprocessing,
 * to the images in it in equal shares (a batch is one session call).
 */
export function chargeRun(timings: StageTimings[], run: BatchRun, postMs: number): void {
  const n = run.metas.length;
  for (let j = 0; j < n; j++) {
    const t = timings[run.offset + j];
    t.preprocess += run.preprocessMs / n;
    t.infer += run.inferMs / n;
    t.postprocess += postMs / n;
  }
}

/**
 * Input tensors kept per model for reuse: allocating (and zeroing) megabytes
 * per request costs time and major GCs. Bounded in count and bytes, so a
 * burst of large dynamic batches is not kept alive.
 */
const MAX_POOLED_INPUTS = 4;
const MAX_POOLED_BYTES = 64 * 1024 * 1024;

function takeInputBuffer(rt: ModelRuntime, length: number): Float32Array {
  const pool = rt.inputPool;
  const i = pool.findIndex((b) => b.length === length);
  return i >= 0 ? pool.splice(i, 1)[0] : new Float32Array(length);
}

function returnInputBuffer(rt: ModelRuntime, buffer: Float32Array): void {
  const pooled = rt.inputPool.reduce((n, b) => n + b.byteLength, 0);
  if (rt.inputPool.length < MAX_POOLED_INPUTS && pooled + buffer.byteLength <= MAX_POOLED_BYTES) {
    rt.inputPool.push(buffer);
  }
}
