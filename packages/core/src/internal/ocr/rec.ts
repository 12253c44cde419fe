import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import type { InferenceSession } from '../runtime/types.js';
import { SIGNED_UNIT_NORM } from './cls.js';
import { type CtcDecoded, ctcGreedyDecode } from './ctc.js';
import { fullImageQuad, quadSize, warpQuadInto } from './sampling.js';
import type { Quad } from './types.js';

const REC_HEIGHT = 48;

/** Settings of {@link TextRecognizer}. */
export interface TextRecognizerOptions {
  /** Crops per session run (default 6); crops are grouped by aspect ratio so padding stays small. */
  batchSize?: number;
  /**
   * Narrowest network input (default 48). PaddleOCR pads every batch to at
   * least 320; on the sample photos that read the same text at twice the time.
   */
  minWidth?: number;
  /** Widest network input (default 1600); longer crops are squeezed to fit. */
  maxWidth?: number;
}

/**
 * The CTC text recogniser (PP-OCRv4 rec): reads the text of straightened
 * line crops. Holds no session of its own; the caller owns and disposes it.
 */
export class TextRecognizer {
  readonly #session: InferenceSession;
  readonly #alphabet: readonly string[];
  readonly #batchSize: number;
  readonly #minWidth: number;
  readonly #maxWidth: number;
  readonly #inputName: string;

  /** @param alphabet class index -> character, index 0 the CTC blank (see `loadCtcAlphabet`). */
  constructor(session: InferenceSession, alphabet: readonly string[], options: TextRecognizerOptions = {}) {
    this.#session = session;
    this.#alphabet = alphabet;
    this.#batchSize = Math.max(1, options.batchSize ?? 6);
    this.#maxWidth = Math.max(REC_HEIGHT, options.maxWidth ?? 1600);
    this.#minWidth = Math.min(this.#maxWidth, Math.max(8, options.minWidth ?? REC_HEIGHT));
    this.#inputName = session.inputs[0]?.name ?? 'x';
  }

  /**
   * Read the text of one upright crop.
   *
   * @example
   * await recognizer.recognize(crop) // { text: 'MAKE', confidence: 0.98 }
   */
  async recognize(crop: RgbImage): Promise<CtcDecoded> {
    const [result] = await this.recognizeRegions(crop, [fullImageQuad(crop)]);
    return result;
  }

  /** Read several regions of one image; results come back in the order of `quads`. */
  async recognizeRegions(image: RgbImage, quads: readonly Quad[]): Promise<CtcDecoded[]> {
    const widths = quads.map((q) => {
      const { width, height } = quadSize(q);
      return Math.min(this.#maxWidth, Math.max(1, Math.ceil((REC_HEIGHT * width) / height)));
    });
    // similar widths in one batch: little padding, and the batch width is set by its widest crop
    const order = quads.map((_, i) => i).sort((a, b) => widths[a] - widths[b]);
    const results: CtcDecoded[] = new Array(quads.length);
    for (let start = 0; start < order.length; start += this.#batchSize) {
      const chunk = order.slice(start, start + this.#batchSize);
      const batchW = Math.max(this.#minWidth, widths[chunk[chunk.length - 1]]);
      const plane = REC_HEIGHT * batchW;
      const input = new Float32Array(chunk.length * 3 * plane);
      chunk.forEach((idx, i) => {
        const target = { out: input, offset: i * 3 * plane, planeW: batchW, planeH: REC_HEIGHT };
        warpQuadInto(image, quads[idx], widths[idx], REC_HEIGHT, target, SIGNED_UNIT_NORM);
      });
      const outputs = await this.#session.run({
        [this.#inputName]: { data: input, dims: [chunk.length, 3, REC_HEIGHT, batchW] },
      });
      const probs = Object.values(outputs)[0];
      if (
        !probs ||
        !(probs.data instanceof Float32Array) ||
        probs.dims.length !== 3 ||
        probs.dims[0] !== chunk.length
      ) {
        throw new InferenceError(
          'CORE_ERR_POSTPROCESS',
          'the text recogniser did not return [N, T, C] probabilities',
        );
      }
      const [, steps, classes] = probs.dims;
      chunk.forEach((idx, i) => {
        results[idx] = ctcGreedyDecode(
          probs.data as Float32Array,
          steps,
          classes,
          this.#alphabet,
          i * steps * classes,
        );
      });
    }
    return results;
  }
}
