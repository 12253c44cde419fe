import { InferenceError } from '../errors.js';
import { keypointSpecFor } from '../heads/coco-keypoints.js';
import { keypointsToImage } from '../heads/yolov8-pose.js';
import { attachPrototypeMasks } from '../heads/yolov8-seg.js';
import type { DecodeHint, ImageInput, RgbImage } from '../image/types.js';
import type { ModelManifest } from '../manifest/types.js';
import { ClassificationResult } from '../results/classification.js';
import type { InferenceResult } from '../results/index.js';
import {
  InstanceSegmentationResult,
  KeypointsResult,
  ObjectDetectionResult,
} from '../results/object-detection.js';
import { SemanticSegmentationResult } from '../results/semantic-segmentation.js';
import { type StageTimings, zeroTimings } from '../results/timings.js';
import type { InferenceSession } from '../runtime/types.js';
import { resultId } from '../serialize/ids.js';
import { classifyImages } from '../tasks/classify.js';
import { detectObjects } from '../tasks/object-detection.js';
import { segmentSemantic } from '../tasks/segment-semantic.js';
import { decodeInputs } from './decode-inputs.js';
import type { InferOptions, ModelDescription, ModelRuntime, VisionModel } from './types.js';

/**
 * A loaded model: a session, its manifest and its head. Created by
 * `InferenceEngine.getModel` (or `loadModel`); `dispose()` frees the session.
 *
 * @example
 * const model = await engine.getModel('yolov8n.onnx');
 * const result = await model.infer('dog.jpg', { confidence: 0.5 });
 * result.predictions[0]  // { x, y, width, height, confidence, class: 'dog', class_id: 16, detection_id }
 */
export class Model implements VisionModel {
  readonly id: string;
  readonly manifest: ModelManifest;
  readonly #runtime: ModelRuntime;
  readonly #description: ModelDescription;
  readonly decodeHint?: DecodeHint;
  #disposed = false;

  constructor(id: string, runtime: ModelRuntime, description: ModelDescription) {
    this.id = id;
    this.manifest = runtime.manifest;
    this.#runtime = runtime;
    this.#description = description;
    this.decodeHint = decodeHintFor(runtime.manifest);
  }

  get task() {
    return this.manifest.task;
  }

  /** The underlying session (for advanced use: custom heads, benchmarks). */
  get session(): InferenceSession {
    return this.#runtime.session;
  }

  describe(): ModelDescription {
    return { ...this.#description, classes: [...this.#description.classes] };
  }

  /** Run the model on one image. */
  async infer(input: ImageInput, options: InferOptions = {}): Promise<InferenceResult> {
    const [r] = await this.inferBatch([input], options);
    return r;
  }

  /**
   * Run the model on several images: one session call for dynamic-batch
   * models, image by image for fixed-batch ones. Results are in input order.
   */
  async inferBatch(inputs: readonly ImageInput[], options: InferOptions = {}): Promise<InferenceResult[]> {
    if (this.#disposed) throw new InferenceError('CORE_ERR_DISPOSED', `model ${this.id} was unloaded`);
    const { images, timings } = await decodeInputs(inputs, options, {
      decodeHint: this.decodeHint,
      autoOrient: this.manifest.adjustments?.autoOrient,
    });
    return this.inferDecoded(images, options, timings);
  }

  /** Run on already-decoded RGB images (pipelines hand frames in this way). */
  async inferDecoded(
    images: readonly RgbImage[],
    options: InferOptions = {},
    timings: StageTimings[] = images.map(() => zeroTimings()),
  ): Promise<InferenceResult[]> {
    if (this.#disposed) throw new InferenceError('CORE_ERR_DISPOSED', `model ${this.id} was unloaded`);
    const idFor = (i: number) => resultId(options.inferenceId, i, images.length);
    const rt = this.#runtime;
    const classes = this.manifest.classes;
    const size = (i: number) => ({
      width: images[i].sourceWidth ?? images[i].width,
      height: images[i].sourceHeight ?? images[i].height,
    });
    switch (this.manifest.task) {
      case 'object-detection': {
        const dets = await detectObjects(rt, images, options, timings);
        return dets.map((d, i) => new ObjectDetectionResult(idFor(i), size(i), d, classes, timings[i]));
      }
      case 'instance-segmentation': {
        const mode = options.maskDecodeMode ?? 'accurate';
        const dets = await detectObjects(rt, images, options, timings, (d, meta) =>
          attachPrototypeMasks(d, meta, { mode, tradeoffFactor: options.tradeoffFactor ?? 0 }),
        );
        return dets.map(
          (d, i) =>
            new InstanceSegmentationResult(
              idFor(i),
              size(i),
              d,
              classes,
              timings[i],
              options.maskFormat ?? 'polygon',
            ),
        );
      }
      case 'keypoint-detection': {
        const dets = await detectObjects(rt, images, options, timings, keypointsToImage);
        return dets.map((d, i) => {
          const spec = keypointSpecFor(this.manifest, d.keypointCount);
          return new KeypointsResult(
            idFor(i),
            size(i),
            d,
            classes,
            timings[i],
            spec.names,
            spec.skeleton ?? [],
            options.keypointConfidence ?? 0,
          );
        });
      }
      case 'classification': {
        const scores = await classifyImages(rt, images, options, timings);
        return scores.map(
          (s, i) =>
            new ClassificationResult(
              idFor(i),
              size(i),
              s,
              classes,
              this.manifest.multiLabel ?? false,
              timings[i],
            ),
        );
      }
      case 'semantic-segmentation': {
        const segs = await segmentSemantic(rt, images, options, timings);
        return segs.map(
          (s, i) => new SemanticSegmentationResult(idFor(i), size(i), s.maps, s.wire, timings[i]),
        );
      }
      default:
        throw new InferenceError(
          'CORE_ERR_TASK_UNSUPPORTED',
          `task ${this.manifest.task} is not served by an ONNX model`,
        );
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#runtime.session.dispose();
  }
}

/**
 * Large JPEGs may be decoded at reduced size when the network samples fewer
 * pixels anyway; not when a static crop selects part of the image (it would
 * need the full resolution of the part).
 */
function decodeHintFor(manifest: ModelManifest): DecodeHint | undefined {
  if (manifest.adjustments?.staticCrop) return undefined;
  const { width, height, resize } = manifest.input;
  return { width, height, fit: resize === 'letterbox' || resize === 'fit-longer-edge' ? 'contain' : 'cover' };
}
