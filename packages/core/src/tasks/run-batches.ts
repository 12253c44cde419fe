import type { RgbImage } from '../image/types.js';
import type { InferOptions, ModelRuntime } from '../model/types.js';
import { preprocessBatch } from '../preprocess/index.js';
import type { PreprocessMeta } from '../preprocess/types.js';
import type { StageTimings } from '../results/timings.js';
import type { TensorData } from '../runtime/types.js';

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
  for (let offset = 0; offset < images.length; offset += step) {
    const chunk = images.slice(offset, offset + step);
    const t0 = performance.now();
    const { data, metas } = preprocessBatch(chunk, rt.manifest.input, rt.manifest.adjustments, disable);
    let batch = chunk.length;
    let input = data;
    if (Number.isFinite(rt.maxBatch) && batch < rt.maxBatch) {
      // fixed-batch model given fewer images: pad with zeros, ignore the extra outputs
      input = new Float32Array(rt.maxBatch * 3 * rt.inputHeight * rt.inputWidth);
      input.set(data);
      batch = rt.maxBatch;
    }
    const t1 = performance.now();
    const outputs = await rt.session.run({
      [rt.inputName]: { data: input, dims: [batch, 3, rt.inputHeight, rt.inputWidth] },
    });
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
