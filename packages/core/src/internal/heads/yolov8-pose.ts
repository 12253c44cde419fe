import type { Detections } from '../detections/detections.js';
import type { ModelManifest } from '../manifest/types.js';
import { classFilterMask } from '../postprocess/filter.js';
import { selectDetections } from '../postprocess/select.js';
import { mapPointsToImage } from '../preprocess/map.js';
import type { PreprocessMeta } from '../preprocess/types.js';
import type { TensorData, TensorInfo } from '../runtime/types.js';
import { type Candidates, candidatesToDetections, emptyCandidates } from './candidates.js';
import { keypointSpecFor } from './coco-keypoints.js';
import { dimOf, familyError, outputsOfRank, postprocessError } from './tensors.js';
import type { HeadContext } from './types.js';
import { decodeYoloV8Candidates, YoloV8Head } from './yolov8.js';

/**
 * Keypoint layout from the number of extra channels E: K keypoints of 3
 * values (x, y, confidence) or, when the manifest names K keypoints and E = 2K,
 * of 2 values (x, y; confidence taken as 1). Undefined when E fits neither.
 */
export function keypointLayout(
  extraCount: number,
  manifest: Pick<ModelManifest, 'keypoints'>,
): { k: number; dims: 2 | 3 } | undefined {
  const named = manifest.keypoints?.names.length ?? 0;
  if (named > 0) {
    if (extraCount === named * 3) return { k: named, dims: 3 };
    if (extraCount === named * 2) return { k: named, dims: 2 };
    return undefined;
  }
  if (extraCount > 0 && extraCount % 3 === 0) return { k: extraCount / 3, dims: 3 };
  return undefined;
}

/**
 * Ultralytics YOLOv8 / YOLO11 pose: output `[B, 4 + C + K·3, N]`, keypoints
 * x, y (network pixels) and confidence (already sigmoid) after the class
 * scores. Detections get `keypoints` (n × K × 3, network pixels, like the
 * boxes) and `keypointCount` K; `metadata.keypoints` holds the names and
 * skeleton (the manifest's, or COCO-17 for K = 17). Map both boxes and
 * keypoints to image pixels afterwards (see {@link keypointsToImage}).
 */
export class YoloV8PoseHead extends YoloV8Head {
  override readonly family: string = 'yolov8-pose';

  override validate(outputs: readonly TensorInfo[], manifest: ModelManifest): void {
    super.validate(outputs, manifest);
    const main = outputs.find((o) => o.shape.length === 3)!;
    const channels = dimOf(main, 1);
    if (Number.isNaN(channels)) return;
    const extra = channels - 4 - manifest.classes.length;
    if (!keypointLayout(extra, manifest)) {
      throw familyError(
        `${this.family} head: ${extra} channels after the ${manifest.classes.length} class scores do not hold ` +
          (manifest.keypoints
            ? `${manifest.keypoints.names.length} keypoints of 2 or 3 values`
            : 'K keypoints of 3 values (x, y, confidence)'),
        { output: main.name, shape: main.shape },
      );
    }
  }

  override decode(outputs: Record<string, TensorData>, batchSize: number, ctx: HeadContext): Detections[] {
    const out = outputsOfRank(outputs, 3)[0]?.[1];
    if (!out) throw postprocessError(`${this.family} head found no rank-3 output in the run`);
    const { manifest, params } = ctx;
    const classes = manifest.classes;
    const allowed = classFilterMask(classes, params.classFilter);
    const extra = out.dims[1] - 4 - classes.length;
    const layout = keypointLayout(extra, manifest);
    if (!layout) throw postprocessError(`${this.family}: ${extra} extra channels are not whole keypoints`);
    const spec = keypointSpecFor(manifest, layout.k);
    const result: Detections[] = [];
    for (let b = 0; b < batchSize; b++) {
      const cand = decodeYoloV8Candidates(out, b, classes.length, params, allowed);
      const idx = cand.count > 0 ? selectDetections(cand, params, true) : new Uint32Array(0);
      const keypoints = gatherKeypoints(cand, idx, layout.k, layout.dims);
      // Boxes, scores and names from the shared builder, without the raw extras column.
      const base: Candidates = { ...cand, extras: emptyCandidates().extras, extraCount: 0 };
      const dets = candidatesToDetections(base, idx, { classNames: classes, metadata: { keypoints: spec } });
      result.push(dets.with({ keypoints, keypointCount: layout.k }));
    }
    return result;
  }

  /** Keypoints to image pixels (the caller maps the boxes). */
  finish(detections: Detections, meta: PreprocessMeta): Detections {
    return keypointsToImage(detections, meta);
  }
}

/** Survivors' keypoints as n × K × 3 (x, y, confidence); 2-value layouts get confidence 1. */
function gatherKeypoints(c: Candidates, idx: ArrayLike<number>, k: number, dims: 2 | 3): Float32Array {
  const out = new Float32Array(idx.length * k * 3);
  const e = c.extraCount;
  for (let j = 0; j < idx.length; j++) {
    const src = idx[j] * e;
    if (dims === 3) {
      out.set(c.extras.subarray(src, src + k * 3), j * k * 3);
      continue;
    }
    for (let q = 0; q < k; q++) {
      out[(j * k + q) * 3] = c.extras[src + q * 2];
      out[(j * k + q) * 3 + 1] = c.extras[src + q * 2 + 1];
      out[(j * k + q) * 3 + 2] = 1;
    }
  }
  return out;
}

/** The shared YOLOv8-pose head instance. */
export const yolov8PoseHead = new YoloV8PoseHead();

/**
 * A copy of the detections with keypoints mapped from network to image
 * pixels (boxes are left to the caller's box mapping).
 *
 * @example
 * const inImage = keypointsToImage(dets, meta);
 */
export function keypointsToImage(detections: Detections, meta: PreprocessMeta): Detections {
  if (!detections.keypoints) return detections;
  const keypoints = detections.keypoints.slice();
  mapPointsToImage(keypoints, 3, meta);
  return detections.with({ keypoints });
}
