import { InferenceError } from '../errors.js';
import { manifestActivation } from '../heads/classification.js';
import {
  decodeSemanticSegmentation,
  type SemanticSegmentationMaps,
  type SemanticSegmentationWire,
  semanticSegmentationToWire,
} from '../heads/semantic-segmentation.js';
import type { RgbImage } from '../image/types.js';
import type { StageTimings } from '../results/timings.js';
import { chargeRun, runInBatches } from './run-batches.js';
import type { InferOptions, ModelRuntime } from './types.js';

/** Per-pixel classes for decoded images, with the PNG wire form (encoding counts as postprocessing). */
export async function segmentSemantic(
  rt: ModelRuntime,
  images: readonly RgbImage[],
  opts: InferOptions,
  timings: StageTimings[],
): Promise<{ maps: SemanticSegmentationMaps; wire: SemanticSegmentationWire }[]> {
  const out: { maps: SemanticSegmentationMaps; wire: SemanticSegmentationWire }[] = new Array(images.length);
  const activation = manifestActivation(rt.manifest);
  for (const run of await runInBatches(rt, images, opts)) {
    const name = rt.session.outputs[0]?.name;
    const output = name ? run.outputs[name] : undefined;
    if (!output)
      throw new InferenceError('CORE_ERR_POSTPROCESS', 'the segmentation model produced no output');
    const t0 = performance.now();
    for (let j = 0; j < run.metas.length; j++) {
      const maps = decodeSemanticSegmentation(output, j, run.metas[j], {
        classes: rt.manifest.classes,
        activation,
      });
      const wire = await semanticSegmentationToWire(maps);
      out[run.offset + j] = { maps, wire };
    }
    chargeRun(timings, run, performance.now() - t0);
  }
  return out;
}
