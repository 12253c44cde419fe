import { InferenceError } from '../errors.js';
import type { DecodeHint, RgbImage } from '../image/types.js';
import type { ModelManifest } from '../manifest/types.js';
import type { InferenceResult } from '../results/index.js';
import { type StageTimings, zeroTimings } from '../results/timings.js';
import type { InferenceSession } from '../runtime/types.js';
import { runTask } from '../tasks/table.js';
import { ImageModel } from './image-model.js';
import type { InferOptions, ModelDescription, ModelRuntime } from './types.js';

/**
 * A loaded model: a session, its manifest and its head. Created by
 * `InferenceEngine.getModel` (or `loadModel`); `dispose()` frees the session.
 * What a call does is its task's row of the task table (tasks/table.ts).
 *
 * @example
 * const model = await engine.getModel('yolov8n.onnx');
 * const result = await model.infer('dog.jpg', { confidence: 0.5 });
 * result.predictions[0]  // { x, y, width, height, confidence, class: 'dog', class_id: 16, detection_id }
 */
export class Model extends ImageModel {
  readonly id: string;
  readonly manifest: ModelManifest;
  readonly #runtime: ModelRuntime;
  readonly #description: ModelDescription;
  override readonly decodeHint?: DecodeHint;

  constructor(id: string, runtime: ModelRuntime, description: ModelDescription) {
    super();
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

  /** Run on already-decoded RGB images (pipelines hand frames in this way). */
  async inferDecoded(
    images: readonly RgbImage[],
    options: InferOptions = {},
    timings: StageTimings[] = images.map(() => zeroTimings()),
  ): Promise<InferenceResult[]> {
    this.assertLive();
    const task = this.manifest.task;
    if (task === 'ocr')
      throw new InferenceError('CORE_ERR_TASK_UNSUPPORTED', `task ${task} is not served by an ONNX model`);
    return runTask(task, this.#runtime, this.manifest, { images, options, timings });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
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
