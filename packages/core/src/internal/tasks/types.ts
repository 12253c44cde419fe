import type { DetectionHead } from '../heads/types.js';
import type { ImageLoadOptions } from '../image/types.js';
import type { ModelManifest } from '../manifest/types.js';
import type { DetectionParams } from '../postprocess/params.js';
import type { InferenceSession } from '../runtime/types.js';

/** Options for one inference call: post-processing parameters plus per-request preprocessing switches. */
export interface InferOptions extends DetectionParams {
  /** Skip EXIF orientation (Roboflow `disable_preproc_auto_orient`). */
  disablePreprocAutoOrient?: boolean;
  disablePreprocContrast?: boolean;
  disablePreprocGrayscale?: boolean;
  disablePreprocStaticCrop?: boolean;
  /** Keypoint models: minimum keypoint confidence (default 0). */
  keypointConfidence?: number;
  /** Instance segmentation mask decoding (default 'accurate'). */
  maskDecodeMode?: 'accurate' | 'fast' | 'tradeoff';
  tradeoffFactor?: number;
  /** Instance segmentation output format (default 'polygon'). */
  maskFormat?: 'polygon' | 'rle';
  /** OCR: include one box per recognised region (Roboflow `generate_bounding_boxes`). */
  generateBoundingBoxes?: boolean;
  /** Id echoed as `inference_id` (default: a fresh uuid). */
  inferenceId?: string;
  /** Limits for turning the input into pixels. */
  image?: ImageLoadOptions;
}

/** Everything a task runner needs about a loaded model. */
export interface ModelRuntime {
  readonly manifest: ModelManifest;
  readonly session: InferenceSession;
  readonly head?: DetectionHead;
  readonly inputName: string;
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Largest batch one session call takes: Infinity for dynamic batch, else the fixed size. */
  readonly maxBatch: number;
  /** Free input tensors for reuse between runs (see tasks/run-batches.ts). */
  readonly inputPool: Float32Array[];
}
