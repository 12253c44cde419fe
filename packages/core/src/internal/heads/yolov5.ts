import type { Detections } from '../detections/detections.js';
import type { ModelManifest } from '../manifest/types.js';
import { classFilterMask } from '../postprocess/filter.js';
import type { TensorData, TensorInfo } from '../runtime/types.js';
import { finishCandidates } from './candidates.js';
import { describe, dimOf, familyError, outputsOfRank, postprocessError } from './tensors.js';
import type { DetectionHead, HeadContext } from './types.js';
import { type AnchorGrid, decodeYoloRowCandidates } from './yolo-rows.js';

/**
 * Check a row-major `[batch, anchors, 5 + C (+ extras)]` output for `family`;
 * returns its metadata. Shared by the YOLOv5 and YOLOX heads.
 */
export function validateRowOutput(
  outputs: readonly TensorInfo[],
  manifest: ModelManifest,
  family: string,
): TensorInfo {
  const c = manifest.classes.length;
  const info = outputs.find((o) => o.shape.length === 3);
  if (!info) {
    throw familyError(
      `${family} head expects an output [batch, anchors, 5 + ${c} classes]; the model has ${outputs.map(describe).join(', ') || 'no outputs'}`,
    );
  }
  const anchors = dimOf(info, 1);
  const width = dimOf(info, 2);
  if (!(width >= 5 + c)) {
    throw familyError(
      `${family} head expects output ${info.name} as [batch, anchors, 5 + ${c} classes (+ extras)], got [${info.shape.join(', ')}]: ` +
        `rows of ${width} values cannot hold box, objectness and the manifest's ${c} classes`,
      { output: info.name, shape: info.shape, classes: c },
    );
  }
  if (anchors < width) {
    throw familyError(
      `${family} head expects anchors on the middle axis of ${describe(info)}, but it has fewer entries (${anchors}) than values per row (${width}); is this a [batch, values, anchors] (yolov8-style) model?`,
    );
  }
  return info;
}

/** Decode every image of a row-major YOLO run (shared by YOLOv5 and YOLOX). */
export function decodeRowHead(
  family: string,
  outputs: Record<string, TensorData>,
  batchSize: number,
  ctx: HeadContext,
  grid?: AnchorGrid,
): Detections[] {
  const [, out] = outputsOfRank(outputs, 3)[0] ?? [];
  if (!out) throw postprocessError(`${family} head found no rank-3 output in the run`);
  const classes = ctx.manifest.classes;
  const allowed = classFilterMask(classes, ctx.params.classFilter);
  const result: Detections[] = [];
  for (let b = 0; b < batchSize; b++) {
    const cand = decodeYoloRowCandidates(out, b, classes.length, ctx.params, allowed, grid);
    result.push(finishCandidates(cand, ctx.params, true, { classNames: classes }));
  }
  return result;
}

/**
 * YOLOv5 / YOLOv7 head: output `[B, N, 5 + C]` with cx, cy, w, h (input
 * pixels), objectness, class scores; score = objectness × best class score.
 * Extras after the classes are kept in `data.extras`.
 */
export class YoloV5Head implements DetectionHead {
  readonly family: string = 'yolov5';

  validate(outputs: readonly TensorInfo[], manifest: ModelManifest): void {
    validateRowOutput(outputs, manifest, this.family);
  }

  decode(outputs: Record<string, TensorData>, batchSize: number, ctx: HeadContext): Detections[] {
    return decodeRowHead(this.family, outputs, batchSize, ctx);
  }
}

/** The shared YOLOv5 head instance. */
export const yolov5Head: DetectionHead = new YoloV5Head();
