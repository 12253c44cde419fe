/** What a model does; the names are Roboflow's `task_type` values. */
export type Task =
  | 'object-detection'
  | 'instance-segmentation'
  | 'classification'
  | 'keypoint-detection'
  | 'semantic-segmentation'
  | 'ocr';

/** How the image is brought to the network input size. */
export type ResizeMode =
  /** scale each axis independently to the input size */
  | 'stretch'
  /** keep aspect, scale to fit, pad the rest with `padColor` (centred unless `padAlign` says otherwise) */
  | 'letterbox'
  /** keep aspect, scale so the longer edge fits, pad bottom/right */
  | 'fit-longer-edge'
  /** keep aspect, scale so the shorter edge fills, crop the centre */
  | 'center-crop';

export type ContrastMode = 'contrast-stretching' | 'histogram-equalization' | 'adaptive-equalization';

/** Network input description: everything preprocessing needs. */
export interface InputSpec {
  width: number;
  height: number;
  resize: ResizeMode;
  /** RGB pad colour for letterbox/fit modes (default [114,114,114]). */
  padColor?: [number, number, number];
  /** Where letterbox padding goes: 'center' (Ultralytics, Roboflow) or 'top-left' (YOLOX). Default 'center'. */
  padAlign?: 'center' | 'top-left';
  /** Channel order the network expects (default 'rgb'). */
  colorOrder?: 'rgb' | 'bgr';
  /** Multiplier applied to 0..255 values before mean/std (default 1/255). */
  scale?: number;
  /** Per-channel mean subtracted after scaling, in network channel order. */
  mean?: [number, number, number];
  /** Per-channel std divided after mean subtraction, in network channel order. */
  std?: [number, number, number];
}

/** Roboflow `environment.json` PREPROCESSING steps applied before the resize. */
export interface ImageAdjustments {
  /** Static crop in percent of the image (0..100). */
  staticCrop?: { xMin: number; yMin: number; xMax: number; yMax: number };
  grayscale?: boolean;
  contrast?: ContrastMode;
  /** EXIF auto-orientation (default true). */
  autoOrient?: boolean;
}

export interface KeypointSpec {
  names: string[];
  /** Pairs of keypoint indices joined by an edge. */
  skeleton?: [number, number][];
}

/**
 * A model's description: task, decoding family, input, classes. Stored as
 * `inference.json` beside the weights, or derived from Roboflow's cache files.
 */
export interface ModelManifest {
  task: Task;
  /** Decoding family: 'yolov8', 'yolov5', 'yolox', 'end2end', ... ('auto' = detect from output shapes). */
  family: string;
  /** Weights file, relative to the model directory. */
  weights: string;
  input: InputSpec;
  classes: string[];
  /** Class name -> '#rrggbb'. */
  colors?: Record<string, string>;
  adjustments?: ImageAdjustments;
  /** Classification: several labels may be true at once (sigmoid). */
  multiLabel?: boolean;
  keypoints?: KeypointSpec;
  /** Free-form extras a head may read (e.g. YOLOX strides). */
  options?: Record<string, unknown>;
}
