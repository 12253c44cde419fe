import { InferenceError } from '../errors.js';
import type { DecodeHint, ImageInput, RgbImage } from '../image/types.js';
import type { ModelManifest } from '../manifest/types.js';
import type { InferenceResult } from '../results/index.js';
import type { StageTimings } from '../results/timings.js';
import { decodeInputs } from './decode-inputs.js';
import type { InferOptions, ModelDescription, VisionModel } from './types.js';

/**
 * What every model does the same way: decode the inputs, then run on decoded
 * images. Subclasses supply `inferDecoded` (a row of the task table).
 */
export abstract class ImageModel implements VisionModel {
  abstract readonly id: string;
  abstract readonly manifest: ModelManifest;
  abstract readonly task: VisionModel['task'];
  readonly decodeHint?: DecodeHint;
  protected disposed = false;

  abstract describe(): ModelDescription;
  abstract inferDecoded(
    images: readonly RgbImage[],
    options?: InferOptions,
    timings?: StageTimings[],
  ): Promise<InferenceResult[]>;
  abstract dispose(): Promise<void>;

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
    this.assertLive();
    const { images, timings } = await decodeInputs(inputs, options, {
      decodeHint: this.decodeHint,
      autoOrient: this.manifest.adjustments?.autoOrient,
    });
    return this.inferDecoded(images, options, timings);
  }

  protected assertLive(): void {
    if (this.disposed) throw new InferenceError('CORE_ERR_DISPOSED', `model ${this.id} was unloaded`);
  }
}
