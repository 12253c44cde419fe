import type {
  WireInstanceSegmentationPrediction,
  WireInstanceSegmentationResponse,
  WireKeypointsPrediction,
  WireKeypointsResponse,
  WireObjectDetectionPrediction,
  WireObjectDetectionResponse,
} from '@inference-ts/sdk/wire';
import type { Detections } from '../detections/detections.js';
import { toWireInstanceSegmentation } from '../serialize/instance-segmentation.js';
import { toWireKeypoints } from '../serialize/keypoints.js';
import { toWireDetections } from '../serialize/object-detection.js';
import { type StageTimings, totalMs } from './timings.js';

/** Fields every task result shares. */
export interface ResultBase {
  readonly inferenceId: string;
  /** Original image size (after EXIF orientation). */
  readonly image: { width: number; height: number };
  readonly timings: StageTimings;
  /** Seconds, as Roboflow's `time` field. */
  readonly time: number;
}

/** What a detection-style result is made of. */
export interface DetectionsResultInit {
  inferenceId: string;
  /** Original image size (after EXIF orientation). */
  image: { width: number; height: number };
  /** In original image pixels. */
  detections: Detections;
  classNames: readonly string[];
  timings: StageTimings;
}

/** Shared by the detection-style results: typed detections plus wire predictions made on demand. */
abstract class DetectionsResult<P> implements ResultBase {
  #predictions?: P[];
  readonly inferenceId: string;
  readonly image: { width: number; height: number };
  /** In original image pixels. */
  readonly detections: Detections;
  readonly classNames: readonly string[];
  readonly timings: StageTimings;

  constructor(init: DetectionsResultInit) {
    this.inferenceId = init.inferenceId;
    this.image = init.image;
    this.detections = init.detections;
    this.classNames = init.classNames;
    this.timings = init.timings;
  }

  /** The fields shared by every detection-style result, for `withDetections`. */
  protected base(detections: Detections): DetectionsResultInit {
    const { inferenceId, image, classNames, timings } = this;
    return { inferenceId, image, detections, classNames, timings };
  }

  get time(): number {
    return totalMs(this.timings) / 1000;
  }

  /** Roboflow-compatible predictions (computed once, on first access). */
  get predictions(): P[] {
    this.#predictions ??= this.serialize();
    return this.#predictions;
  }

  protected abstract serialize(): P[];

  /** The same result with other detections (e.g. a tracker's output, which adds `tracker_id`). */
  abstract withDetections(detections: Detections): this;

  protected envelope() {
    return { inference_id: this.inferenceId, time: this.time, image: { ...this.image } };
  }
}

/**
 * Object-detection result: `detections` in original image pixels, and
 * Roboflow-compatible `predictions` / `toJSON()`.
 */
export class ObjectDetectionResult extends DetectionsResult<WireObjectDetectionPrediction> {
  readonly task = 'object-detection' as const;

  protected serialize() {
    return toWireDetections(this.detections, this.classNames);
  }

  withDetections(detections: Detections): this {
    return new ObjectDetectionResult(this.base(detections)) as this;
  }

  toJSON(): WireObjectDetectionResponse {
    return { ...this.envelope(), predictions: this.predictions };
  }
}

/** Instance-segmentation result: detections with `masks`; predictions carry polygons or RLE as asked. */
export class InstanceSegmentationResult extends DetectionsResult<WireInstanceSegmentationPrediction> {
  readonly task = 'instance-segmentation' as const;

  readonly maskFormat: 'polygon' | 'rle';

  constructor(init: DetectionsResultInit & { maskFormat?: 'polygon' | 'rle' }) {
    super(init);
    this.maskFormat = init.maskFormat ?? 'polygon';
  }

  protected serialize() {
    return toWireInstanceSegmentation(this.detections, this.classNames, this.image, this.maskFormat);
  }

  withDetections(detections: Detections): this {
    return new InstanceSegmentationResult({ ...this.base(detections), maskFormat: this.maskFormat }) as this;
  }

  toJSON(): WireInstanceSegmentationResponse {
    return { ...this.envelope(), predictions: this.predictions };
  }
}

/** What a keypoint result is made of. */
export interface KeypointsResultInit extends DetectionsResultInit {
  keypointNames: readonly string[];
  skeleton: readonly (readonly [number, number])[];
  /** Default 0. */
  keypointConfidence?: number;
}

/** Keypoint result: detections with `keypoints` (n×K×3 in image pixels). */
export class KeypointsResult extends DetectionsResult<WireKeypointsPrediction> {
  readonly task = 'keypoint-detection' as const;

  readonly keypointNames: readonly string[];
  readonly skeleton: readonly (readonly [number, number])[];
  /** Keypoints below are left out of the JSON. */
  readonly keypointConfidence: number;

  constructor(init: KeypointsResultInit) {
    super(init);
    this.keypointNames = init.keypointNames;
    this.skeleton = init.skeleton;
    this.keypointConfidence = init.keypointConfidence ?? 0;
  }

  protected serialize() {
    return toWireKeypoints(this.detections, this.classNames, this.keypointNames, this.keypointConfidence);
  }

  withDetections(detections: Detections): this {
    const { keypointNames, skeleton, keypointConfidence } = this;
    return new KeypointsResult({
      ...this.base(detections),
      keypointNames,
      skeleton,
      keypointConfidence,
    }) as this;
  }

  toJSON(): WireKeypointsResponse {
    return { ...this.envelope(), predictions: this.predictions };
  }
}
