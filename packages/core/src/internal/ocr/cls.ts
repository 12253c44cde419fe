import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import type { InferenceSession } from '../runtime/types.js';
import { fullImageQuad, normalization, quadSize, warpQuadInto } from './sampling.js';
import type { Quad, TextDirection, TextDirectionResult } from './types.js';

/** PaddleOCR's recognition-side models see BGR planes scaled to -1..1. */
export const SIGNED_UNIT_NORM = normalization('bgr', [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);

const CLS_HEIGHT = 48;
const CLS_WIDTH = 192;
const LABELS: readonly TextDirection[] = ['0', '180'];

/** Settings of {@link TextDirectionClassifier}. */
export interface TextDirectionClassifierOptions {
  /** Crops per session run (default 6). */
  batchSize?: number;
}

/**
 * The 0/180 degree text direction classifier (PaddleOCR mobile v2.0 cls):
 * tells whether a text line crop is upside down. Holds no session of its own;
 * the caller owns and disposes it.
 */
export class TextDirectionClassifier {
  readonly #session: InferenceSession;
  readonly #batchSize: number;
  readonly #inputName: string;

  constructor(session: InferenceSession, options: TextDirectionClassifierOptions = {}) {
    this.#session = session;
    this.#batchSize = Math.max(1, options.batchSize ?? 6);
    this.#inputName = session.inputs[0]?.name ?? 'x';
  }

  /**
   * Classify one text crop.
   *
   * @example
   * await classifier.classify(crop) // { label: '0', confidence: 0.99 }
   */
  async classify(crop: RgbImage): Promise<TextDirectionResult> {
    const [result] = await this.classifyRegions(crop, [fullImageQuad(crop)]);
    return result;
  }

  /** Classify several regions of one image, each given as a quad read from its first corner (see {@link Quad}). */
  async classifyRegions(image: RgbImage, quads: readonly Quad[]): Promise<TextDirectionResult[]> {
    const results: TextDirectionResult[] = [];
    const plane = CLS_WIDTH * CLS_HEIGHT;
    for (let start = 0; start < quads.length; start += this.#batchSize) {
      const chunk = quads.slice(start, start + this.#batchSize);
      const input = new Float32Array(chunk.length * 3 * plane); // zero = the grey the model was padded with
      chunk.forEach((quad, i) => {
        const { width, height } = quadSize(quad);
        const w = Math.min(CLS_WIDTH, Math.max(1, Math.ceil((CLS_HEIGHT * width) / height)));
        const target = { out: input, offset: i * 3 * plane, planeW: CLS_WIDTH, planeH: CLS_HEIGHT };
        warpQuadInto(image, quad, w, CLS_HEIGHT, target, SIGNED_UNIT_NORM);
      });
      const outputs = await this.#session.run({
        [this.#inputName]: { data: input, dims: [chunk.length, 3, CLS_HEIGHT, CLS_WIDTH] },
      });
      const probs = Object.values(outputs)[0];
      if (
        !probs ||
        !(probs.data instanceof Float32Array) ||
        probs.data.length !== chunk.length * LABELS.length
      ) {
        throw new InferenceError(
          'CORE_ERR_POSTPROCESS',
          'the direction classifier did not return [N, 2] probabilities',
        );
      }
      for (let i = 0; i < chunk.length; i++) {
        const p0 = probs.data[2 * i];
        const p1 = probs.data[2 * i + 1];
        results.push(p1 > p0 ? { label: LABELS[1], confidence: p1 } : { label: LABELS[0], confidence: p0 });
      }
    }
    return results;
  }
}
