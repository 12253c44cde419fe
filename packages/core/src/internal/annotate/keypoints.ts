import type { Detections } from '../detections/detections.js';
import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import { type Color, type ColorLike, ColorResolver, toColor } from './colors.js';
import { drawLine, fillCircle } from './draw.js';
import { defaultPointRadius, defaultStrokeWidth } from './scale.js';
import { drawTarget, positiveInt } from './target.js';
import type { Annotator, AnnotatorOptions } from './types.js';

/** Options of {@link KeypointAnnotator}. */
export interface KeypointAnnotatorOptions extends AnnotatorOptions {
  /** Dot radius in pixels (default from the image size: 2 up to 720p, 3 at 1080p). */
  radius?: number;
  /** Keypoints with confidence below this are not drawn, nor their edges (default 0.5). */
  threshold?: number;
  /** Pairs of keypoint indices joined by a line, e.g. a manifest's `keypoints.skeleton`. */
  skeleton?: readonly (readonly [number, number])[];
  /** Skeleton line width in pixels (default from the image size, as for boxes). */
  thickness?: number;
  /** Dot colour; default the detection's colour. */
  pointColor?: ColorLike;
  /** Skeleton colour; default the detection's colour. */
  edgeColor?: ColorLike;
}

/**
 * Draws each detection's keypoints (`detections.keypoints`, n×K×3 as x, y,
 * confidence) as dots, and the skeleton edges between pairs of visible
 * keypoints under them.
 * @example
 * const out = new KeypointAnnotator({ skeleton: [[5, 7], [7, 9]], threshold: 0.3 }).annotate(image, detections);
 */
export class KeypointAnnotator implements Annotator {
  readonly #colors: ColorResolver;
  readonly #radius?: number;
  readonly #thickness?: number;
  readonly #threshold: number;
  readonly #skeleton: readonly (readonly [number, number])[];
  readonly #pointColor?: Color;
  readonly #edgeColor?: Color;
  readonly #inPlace: boolean;

  constructor(options: KeypointAnnotatorOptions = {}) {
    this.#colors = new ColorResolver(options);
    if (options.radius !== undefined) {
      if (!(options.radius >= 0)) {
        throw new InferenceError('CORE_ERR_INVALID_PARAMETER', `radius must be >= 0, got ${options.radius}`);
      }
      this.#radius = Math.round(options.radius);
    }
    if (options.thickness !== undefined) this.#thickness = positiveInt(options.thickness, 1, 'thickness');
    const threshold = options.threshold ?? 0.5;
    if (Number.isNaN(threshold)) throw new InferenceError('CORE_ERR_INVALID_PARAMETER', 'threshold is NaN');
    this.#threshold = threshold;
    this.#skeleton = options.skeleton ?? [];
    for (const [a, b] of this.#skeleton) {
      if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0)) {
        throw new InferenceError(
          'CORE_ERR_INVALID_PARAMETER',
          `Skeleton edge [${a}, ${b}] is not two indices`,
        );
      }
    }
    if (options.pointColor !== undefined) this.#pointColor = toColor(options.pointColor);
    if (options.edgeColor !== undefined) this.#edgeColor = toColor(options.edgeColor);
    this.#inPlace = options.inPlace ?? false;
  }

  /**
   * Draw skeletons then dots; returns a copy of `image`, or `image` itself when `inPlace`.
   * @throws InferenceError `CORE_ERR_INVALID_PARAMETER` when a skeleton edge names a
   * keypoint index >= `detections.keypointCount`.
   */
  annotate(image: RgbImage, detections: Detections): RgbImage {
    const out = drawTarget(image, this.#inPlace);
    const kp = detections.keypoints;
    const k = detections.keypointCount;
    if (!kp || k === 0 || detections.length === 0) return out;
    for (const [a, b] of this.#skeleton) {
      if (a >= k || b >= k) {
        throw new InferenceError(
          'CORE_ERR_INVALID_PARAMETER',
          `Skeleton edge [${a}, ${b}] is out of range for ${k} keypoints`,
        );
      }
    }
    const radius = this.#radius ?? defaultPointRadius(out.width, out.height);
    const thickness = this.#thickness ?? defaultStrokeWidth(out.width, out.height);
    const th = this.#threshold;
    for (let i = 0; i < detections.length; i++) {
      const base = i * k * 3;
      const own = this.#colors.colorOf(detections, i);
      const edgeColor = this.#edgeColor ?? own;
      for (const [a, b] of this.#skeleton) {
        const pa = base + a * 3;
        const pb = base + b * 3;
        if (!(kp[pa + 2] >= th && kp[pb + 2] >= th)) continue;
        drawLine(out, kp[pa], kp[pa + 1], kp[pb], kp[pb + 1], edgeColor, thickness);
      }
      const pointColor = this.#pointColor ?? own;
      for (let j = 0; j < k; j++) {
        const p = base + j * 3;
        if (kp[p + 2] >= th) fillCircle(out, kp[p], kp[p + 1], radius, pointColor);
      }
    }
    return out;
  }
}
