import { Detections } from '../detections/detections.js';
import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import { resolveDetectionParams } from '../postprocess/params.js';
import { mapBoxesToImage } from '../preprocess/index.js';
import type { StageTimings } from '../results/timings.js';
import { newId } from '../serialize/ids.js';
import { chargeRun, runInBatches } from './run-batches.js';
import type { InferOptions, ModelRuntime } from './types.js';

/**
 * Detect objects in decoded images: preprocess, run, decode with the model's
 * head, the head's own finishing step (masks, keypoints), boxes to image
 * pixels. Returns one Detections per image with `data.className` and
 * `data.detectionId`; adds stage times into `timings`.
 */
export async function detectObjects(
  rt: ModelRuntime,
  images: readonly RgbImage[],
  opts: InferOptions,
  timings: StageTimings[],
): Promise<Detections[]> {
  const head = rt.head;
  if (!head) throw new InferenceError('CORE_ERR_TASK_UNSUPPORTED', 'this model has no detection head');
  const params = resolveDetectionParams(opts);
  const out: Detections[] = new Array(images.length);
  const classes = rt.manifest.classes;
  for (const run of await runInBatches(rt, images, opts)) {
    const t0 = performance.now();
    const decoded = head.decode(run.outputs, run.metas.length, {
      manifest: rt.manifest,
      params,
      inputWidth: rt.inputWidth,
      inputHeight: rt.inputHeight,
    });
    for (let j = 0; j < run.metas.length; j++) {
      let d = decoded[j] ?? Detections.empty();
      if (head.finish) d = head.finish(d, run.metas[j], opts);
      // a new box array: detections are never changed after construction
      const xyxy = d.xyxy.slice();
      mapBoxesToImage(xyxy, run.metas[j]);
      out[run.offset + j] = d.with({
        xyxy,
        data: {
          ...d.data,
          className: Array.from(d.classId, (c) => classes[c] ?? String(c)),
          detectionId: Array.from(d.classId, () => newId()),
        },
      });
    }
    // the boxes were copied out: a head without a finishing step holds nothing of the raw outputs
    if (!head.finish) rt.session.release?.(run.outputs);
    chargeRun(timings, run, performance.now() - t0);
  }
  return out;
}
