import type {
  WireInstanceSegmentationPrediction,
  WireInstanceSegmentationResponse,
  WireKeypointsPrediction,
  WireKeypointsResponse,
  WireObjectDetectionPrediction,
  WireObjectDetectionResponse,
} from '@inference-ts/sdk';
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

/** Shared by the detection-style results: typed detections plus wire predictions made on demand. */
abstract class DetectionsResult<P> implements ResultBase {
  #predictions?: P[];

  constructor(
    readonly inferenceId: string,
    readonly image: { width: number; height: number },
    /** In original image pixels. */
    readonly detections: Detections,
    readonly classNames: readonly string[],
    readonly timings: StageTimings,
  ) {}

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
    return new ObjectDetectionResult(
      this.inferenceId,
      this.image,
      detections,
      this.classNames,
      this.timings,
    ) as this;
  }

  toJSON(): WireObjectDetectionResponse {
    return { ...this.envelope(), predictions: this.predictions };
  }
}

/** Instance-segmentation result: detections with `masks`; predictions carry polygons or RLE as asked. */
export class InstanceSegmentationResult extends DetectionsResult<WireInstanceSegmentationPrediction> {
  readonly task = 'instance-segmentation' as const;

  constructor(
    inferenceId: string,
    image: { width: number; height: number },
    detections: Detections,
    classNames: readonly string[],
    timings: StageTimings,
    readonly maskFormat: 'polygon' | 'rle' = 'polygon',
  ) {
    super(inferenceId, image, detections, classNames, timings);
  }

  protected serialize() {
    return toWireInstanceSegmentation(this.detections, this.classNames, this.image, this.maskFormat);
  }

  withDetections(detections: Detections): this {
    const { inferenceId, image, classNames, timings, maskFormat } = this;
    return new InstanceSegmentationResult(
      inferenceId,
      image,
      detections,
      classNames,
      timings,
      maskFormat,
    ) as this;
  }

  toJSON(): WireInstanceSegmentationResponse {
    return { ...this.envelope(), predictions: this.predictions };
  }
}

/** Keypoint result: detections with `keypoints` (n×K×3 in image pixels). */
export class KeypointsResult extends DetectionsResult<WireKeypointsPrediction> {
  readonly task = 'keypoint-detection' as const;

  constructor(
    inferenceId: string,
    image: { width: number; height: number },
    detections: Detections,
    classNames: readonly string[],
    timings: StageTimings,
    readonly keypointNames: readonly string[],
    readonly skeleton: readonly (readonly [number, number])[],
    readonly keypointConfidence = 0,
  ) {
    super(inferenceId, image, detections, classNames, timings);
  }

  protected serialize() {
    return toWireKeypoints(this.detections, this.classNames, this.keypointNames, this.keypointConfidence);
  }

  withDetections(detections: Detections): this {
    const { inferenceId, image, classNames, timings, keypointNames, skeleton, keypointConfidence } = this;
    return new KeypointsResult(
      inferenceId,
      image,
      detections,
      classNames,
      timings,
      keypointNames,
      skeleton,
      keypointConfidence,
    ) as this;
  }

  toJSON(): WireKeypointsResponse {
    return { ...this.envelope(), predictions: this.predictions };
  }
}
