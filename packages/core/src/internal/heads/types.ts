import type { Detections } from '../detections/detections.js';
import type { InputSpec, ModelManifest } from '../manifest/types.js';
import type { ResolvedDetectionParams } from '../postprocess/params.js';
import type { PreprocessMeta } from '../preprocess/types.js';
import type { TensorData, TensorInfo } from '../runtime/types.js';

/** What a head knows when it decodes one batch of outputs. */
export interface HeadContext {
  manifest: ModelManifest;
  params: ResolvedDetectionParams;
  /** Network input size (pixels of the model's coordinate space). */
  inputWidth: number;
  inputHeight: number;
}

/**
 * A detection-style head: turns raw output tensors of a batch into one
 * `Detections` per image, in network-input pixels, after confidence filtering
 * and (unless the model is NMS-free) NMS. Mapping back to image pixels is done
 * by the caller with the PreprocessMeta.
 *
 * Heads with masks leave what the mask step needs in `data` (e.g.
 * `maskCoefficients`) and/or `metadata` (e.g. prototypes), so that masks are
 * built only for detections that survive NMS.
 */
export interface DetectionHead {
  /** Family name as written in manifests ('yolov8', 'yolox', ...). */
  readonly family: string;
  /**
   * The family's own input conventions (channel order, value scale, pad
   * placement), used for fields the manifest leaves unset; absent means the
   * common ones (RGB, 1/255, centred letterbox).
   */
  readonly inputDefaults?: Readonly<Pick<InputSpec, 'colorOrder' | 'scale' | 'padAlign'>>;
  /** Check the session's outputs fit this head; throw CORE_ERR_MODEL_FAMILY with a clear message if not. */
  validate(outputs: readonly TensorInfo[], manifest: ModelManifest): void;
  decode(outputs: Record<string, TensorData>, batchSize: number, ctx: HeadContext): Detections[];
  /**
   * The head's own finishing step on one image's surviving detections, still
   * in network pixels (masks from prototypes, keypoints to image pixels);
   * boxes are mapped by the caller afterwards. Absent: nothing to finish.
   */
  finish?(detections: Detections, meta: PreprocessMeta, options: HeadFinishOptions): Detections;
}

/** Per-call options a head's finishing step reads. */
export interface HeadFinishOptions {
  /** Instance segmentation mask decoding (default 'accurate'). */
  maskDecodeMode?: 'accurate' | 'fast' | 'tradeoff';
  tradeoffFactor?: number;
}
