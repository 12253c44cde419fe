import { InferenceError } from '../errors.js';
import {
  type ClassificationScores,
  decodeClassification,
  manifestActivation,
} from '../heads/classification.js';
import type { RgbImage } from '../image/types.js';
import { DETECTION_DEFAULTS } from '../postprocess/params.js';
import type { StageTimings } from '../results/timings.js';
import { chargeRun, runInBatches } from './run-batches.js';
import type { InferOptions, ModelRuntime } from './types.js';

/** Classify decoded images: one score vector per image (softmax or sigmoid as the manifest says). */
export async function classifyImages(
  rt: ModelRuntime,
  images: readonly RgbImage[],
  opts: InferOptions,
  timings: StageTimings[],
): Promise<ClassificationScores[]> {
  const out: ClassificationScores[] = new Array(images.length);
  const activation = manifestActivation(rt.manifest);
  for (const run of await runInBatches(rt, images, opts)) {
    const t0 = performance.now();
    const name = rt.session.outputs[0]?.name;
    const output = name ? run.outputs[name] : undefined;
    if (!output) throw new InferenceError('CORE_ERR_POSTPROCESS', 'the classifier produced no output');
    for (let j = 0; j < run.metas.length; j++) {
      out[run.offset + j] = decodeClassification(output, j, {
        multiLabel: rt.manifest.multiLabel ?? false,
        classes: rt.manifest.classes,
        confidence: opts.confidence ?? DETECTION_DEFAULTS.confidence,
        activation,
      });
    }
    chargeRun(timings, run, performance.now() - t0);
  }
  return out;
}
