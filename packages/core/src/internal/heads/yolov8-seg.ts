import { Detections } from '../detections/detections.js';
import type { ModelManifest } from '../manifest/types.js';
import { type MaskDecodeMode, masksFromPrototypes } from '../masks/prototypes.js';
import { classFilterMask } from '../postprocess/filter.js';
import { mapPointsToModel } from '../preprocess/map.js';
import type { PreprocessMeta } from '../preprocess/types.js';
import type { TensorData, TensorInfo } from '../runtime/types.js';
import { finishCandidates } from './candidates.js';
import {
  checkTensor,
  describe,
  dimOf,
  familyError,
  float32Data,
  outputsOfRank,
  postprocessError,
} from './tensors.js';
import type { HeadContext, HeadFinishOptions } from './types.js';
import { decodeYoloV8Candidates, YoloV8Head } from './yolov8.js';

/** One image's prototype masks, as a head leaves them in `Detections.metadata.maskPrototypes`. */
export interface MaskPrototypes {
  /** `channels × height × width` values (a view into the output tensor, not a copy). */
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
}

/** `data` key holding each detection's mask coefficients (a Float32Array of `channels`). */
export const MASK_COEFFICIENTS_KEY = 'maskCoefficients';
/** `metadata` key holding the image's {@link MaskPrototypes}. */
export const MASK_PROTOTYPES_KEY = 'maskPrototypes';

/**
 * Ultralytics YOLOv8 / YOLO11 instance segmentation: `output0` `[B, 4 + C + P, N]`
 * (boxes, class scores, P mask coefficients) and `output1` `[B, P, mh, mw]`
 * prototypes. `decode` runs the shared YOLOv8 candidate decoder and NMS, and
 * leaves for the survivors only `data.maskCoefficients` and
 * `metadata.maskPrototypes`; masks need the PreprocessMeta, so the caller
 * builds them with {@link attachPrototypeMasks}, for survivors only.
 */
export class YoloV8SegHead extends YoloV8Head {
  override readonly family: string = 'yolov8-seg';

  override validate(outputs: readonly TensorInfo[], manifest: ModelManifest): void {
    super.validate(outputs, manifest);
    const main = outputs.find((o) => o.shape.length === 3)!;
    const protos = outputs.find((o) => o.shape.length === 4);
    if (!protos) {
      throw familyError(
        `${this.family} head expects a prototype output [batch, P, mask height, mask width]; the model has ${outputs.map(describe).join(', ')}`,
      );
    }
    const c = manifest.classes.length;
    const channels = dimOf(main, 1);
    const p = dimOf(protos, 1);
    // Dynamic (NaN) sizes cannot be checked here; decode checks the run's real shapes.
    if (channels !== 4 + c + p && !Number.isNaN(channels) && !Number.isNaN(p)) {
      throw familyError(
        `${this.family} head expects ${describe(main)} to hold 4 box values + ${c} classes + ${p} mask coefficients (${4 + c + p} channels), got ${channels}`,
        { output: main.name, shape: main.shape, classes: c, prototypes: p },
      );
    }
  }

  override decode(outputs: Record<string, TensorData>, batchSize: number, ctx: HeadContext): Detections[] {
    const out = outputsOfRank(outputs, 3)[0]?.[1];
    const protoOut = outputsOfRank(outputs, 4)[0]?.[1];
    if (!out || !protoOut)
      throw postprocessError(`${this.family} head needs a rank-3 output and a rank-4 prototype output`);
    const classes = ctx.manifest.classes;
    const allowed = classFilterMask(classes, ctx.params.classFilter);
    const [, p, mh, mw] = protoOut.dims;
    const plane = p * mh * mw;
    const protoData = float32Data(protoOut);
    const result: Detections[] = [];
    for (let b = 0; b < batchSize; b++) {
      checkTensor(protoOut, 'prototypes', 4, b);
      const cand = decodeYoloV8Candidates(out, b, classes.length, ctx.params, allowed);
      if (cand.extraCount !== p) {
        throw postprocessError(
          `${this.family}: ${cand.extraCount} mask coefficients per box but ${p} prototypes`,
        );
      }
      const prototypes: MaskPrototypes = {
        data: protoData.subarray(b * plane, (b + 1) * plane),
        channels: p,
        height: mh,
        width: mw,
      };
      result.push(
        finishCandidates(cand, ctx.params, true, {
          classNames: classes,
          extrasKey: MASK_COEFFICIENTS_KEY,
          metadata: { [MASK_PROTOTYPES_KEY]: prototypes },
        }),
      );
    }
    return result;
  }

  /** Masks for the survivors only, from the prototypes their decode left behind. */
  finish(detections: Detections, meta: PreprocessMeta, options: HeadFinishOptions): Detections {
    return attachPrototypeMasks(detections, meta, {
      mode: options.maskDecodeMode ?? 'accurate',
      tradeoffFactor: options.tradeoffFactor ?? 0,
    });
  }
}

/** The shared YOLOv8-seg head instance. */
export const yolov8SegHead = new YoloV8SegHead();

/** Options of {@link attachPrototypeMasks}. */
export interface PrototypeMaskOptions {
  /** Roboflow's `mask_decode_mode` (default 'accurate'). */
  mode?: MaskDecodeMode;
  /** Roboflow's `tradeoff_factor` for mode 'tradeoff' (default 0.0, Roboflow's default). */
  tradeoffFactor?: number;
  /**
   * Which pixels `detections.xyxy` are in: 'network' (straight from `decode`, the default)
   * or 'image' (already mapped back; they are mapped to the network again for the masks).
   */
  boxes?: 'network' | 'image';
}

/**
 * Build the masks of detections decoded by a prototype-mask head (see
 * {@link YoloV8SegHead}): one RegionMask per detection in original-image
 * pixels, bounded by its box. Returns new Detections with `masks` set and the
 * coefficients and prototypes dropped (so the output tensor is not retained).
 *
 * @example
 * const [dets] = yolov8SegHead.decode(outputs, 1, ctx);      // network pixels, no masks yet
 * const withMasks = attachPrototypeMasks(dets, meta);         // masks in image pixels
 * // then map withMasks.xyxy to image pixels as for detection
 */
export function attachPrototypeMasks(
  detections: Detections,
  meta: PreprocessMeta,
  options: PrototypeMaskOptions = {},
): Detections {
  const protos = detections.metadata[MASK_PROTOTYPES_KEY] as MaskPrototypes | undefined;
  const coeffCol = detections.data[MASK_COEFFICIENTS_KEY] as readonly Float32Array[] | undefined;
  if (!protos || !(protos.data instanceof Float32Array) || !coeffCol) {
    throw postprocessError(
      'detections carry no mask prototypes and coefficients (were they decoded by a segmentation head?)',
    );
  }
  const n = detections.length;
  const p = protos.channels;
  const coeffs = new Float32Array(n * p);
  for (let i = 0; i < n; i++) {
    const c = coeffCol[i];
    if (!(c instanceof Float32Array) || c.length !== p)
      throw postprocessError(`detection ${i} has no ${p} mask coefficients`);
    coeffs.set(c, i * p);
  }
  let boxes = detections.xyxy;
  if (options.boxes === 'image') {
    boxes = boxes.slice();
    mapPointsToModel(boxes, 2, meta);
  }
  const masks = masksFromPrototypes(
    protos.data,
    protos.height,
    protos.width,
    coeffs,
    boxes,
    meta,
    options.mode ?? 'accurate',
    options.tradeoffFactor ?? 0,
  );
  const { [MASK_COEFFICIENTS_KEY]: _c, ...data } = detections.data;
  const { [MASK_PROTOTYPES_KEY]: _p, ...metadata } = detections.metadata;
  return new Detections({
    xyxy: detections.xyxy,
    confidence: detections.confidence,
    classId: detections.classId,
    masks,
    keypoints: detections.keypoints,
    keypointCount: detections.keypointCount,
    trackerId: detections.trackerId,
    data,
    metadata,
  });
}
