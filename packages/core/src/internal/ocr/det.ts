import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import type { InferenceSession } from '../runtime/types.js';
import { type DbOptions, dbBoxes } from './db-postprocess.js';
import { normalization, resizeInto } from './sampling.js';
import type { Quad } from './types.js';

/**
 * PaddleOCR trains its detector on OpenCV images, i.e. BGR planes, with the
 * ImageNet mean/std applied in list order, so plane 0 (blue) gets 0.485/0.229.
 * On the sample photos RGB order reads the same words with scores within
 * ±0.02, so the model is not fragile here; we follow the training pipeline.
 */
const DET_NORM = normalization('bgr', [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

/** Settings of {@link TextDetector}. */
export interface TextDetectorOptions extends DbOptions {
  /** Longest side of the network input (default 960); larger images are scaled down. */
  maxSide?: number;
  /** Images whose longest side is below this are scaled up to it (default 256) so small text survives the 1/4-scale map. */
  minSide?: number;
  /** Boxes smaller than this many image pixels on their short side are dropped (default 3). */
  minBoxSide?: number;
}

/** A detected text region in image pixels. */
export interface TextRegion {
  /** Corners tl, tr, br, bl (length 8). */
  quad: Quad;
  /** Mean text probability inside the region, 0..1. */
  score: number;
}

/** Network input size for an image: both sides multiples of 32 (the backbone's stride). */
export function detInputSize(
  width: number,
  height: number,
  maxSide = 960,
  minSide = 256,
): { width: number; height: number } {
  const longest = Math.max(width, height);
  let scale = 1;
  if (longest > maxSide) scale = maxSide / longest;
  else if (longest < minSide) scale = minSide / longest;
  const snap = (v: number) => Math.max(32, Math.round((v * scale) / 32) * 32);
  return { width: snap(width), height: snap(height) };
}

/**
 * The DB text detector (PP-OCRv4 det): finds where text is, as rotated
 * rectangles. Holds no session of its own; the caller owns and disposes it.
 */
export class TextDetector {
  readonly #session: InferenceSession;
  readonly #options: TextDetectorOptions;
  readonly #inputName: string;

  constructor(session: InferenceSession, options: TextDetectorOptions = {}) {
    this.#session = session;
    this.#options = options;
    this.#inputName = session.inputs[0]?.name ?? 'x';
  }

  /**
   * Find text regions in an image.
   *
   * @example
   * const regions = await detector.detect(image); // [{ quad: Float32Array(8), score: 0.87 }, ...]
   */
  async detect(image: RgbImage): Promise<TextRegion[]> {
    const { width: W, height: H } = image;
    if (W < 1 || H < 1) return [];
    const size = detInputSize(W, H, this.#options.maxSide, this.#options.minSide);
    const input = new Float32Array(3 * size.width * size.height);
    resizeInto(
      image,
      size.width,
      size.height,
      { out: input, offset: 0, planeW: size.width, planeH: size.height },
      DET_NORM,
    );
    const outputs = await this.#session.run({
      [this.#inputName]: { data: input, dims: [1, 3, size.height, size.width] },
    });
    const map = Object.values(outputs)[0];
    if (!map || !(map.data instanceof Float32Array) || map.dims.length !== 4) {
      throw new InferenceError(
        'CORE_ERR_POSTPROCESS',
        'the text detector did not return a [1, 1, H, W] float map',
      );
    }
    const mapH = map.dims[2];
    const mapW = map.dims[3];
    const sx = W / mapW;
    const sy = H / mapH;
    const minBoxSide = this.#options.minBoxSide ?? 3;
    const regions: TextRegion[] = [];
    for (const box of dbBoxes(map.data, mapW, mapH, this.#options)) {
      const q = box.quad;
      for (let i = 0; i < 8; i += 2) {
        q[i] = Math.min(W, Math.max(0, q[i] * sx));
        q[i + 1] = Math.min(H, Math.max(0, q[i + 1] * sy));
      }
      const w = Math.hypot(q[2] - q[0], q[3] - q[1]);
      const h = Math.hypot(q[6] - q[0], q[7] - q[1]);
      if (Math.min(w, h) < minBoxSide) continue;
      regions.push({ quad: q, score: box.score });
    }
    return regions;
  }
}
