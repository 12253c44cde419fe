import type { Detections } from '../detections/detections.js';
import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import { ColorResolver } from './colors.js';
import { blendMask } from './draw.js';
import { drawTarget } from './target.js';
import type { Annotator, AnnotatorOptions } from './types.js';

/** Options of {@link MaskAnnotator}. */
export interface MaskAnnotatorOptions extends AnnotatorOptions {
  /** Fill opacity 0..1 (default 0.5). */
  opacity?: number;
}

/**
 * Fills each detection's `RegionMask` with its colour, translucently
 * (integer alpha blend, see `blendMask`). Larger masks are drawn first so
 * small objects lying on big ones stay visible. Detections without masks draw nothing.
 * @example
 * const out = new MaskAnnotator({ opacity: 0.4 }).annotate(image, detections);
 */
export class MaskAnnotator implements Annotator {
  readonly #colors: ColorResolver;
  readonly #opacity: number;
  readonly #inPlace: boolean;

  constructor(options: MaskAnnotatorOptions = {}) {
    this.#colors = new ColorResolver(options);
    const opacity = options.opacity ?? 0.5;
    if (!(opacity >= 0 && opacity <= 1)) {
      throw new InferenceError('CORE_ERR_INVALID_PARAMETER', `opacity must be in 0..1, got ${opacity}`);
    }
    this.#opacity = opacity;
    this.#inPlace = options.inPlace ?? false;
  }

  /** Fill every mask; returns a copy of `image`, or `image` itself when `inPlace`. */
  annotate(image: RgbImage, detections: Detections): RgbImage {
    const out = drawTarget(image, this.#inPlace);
    const masks = detections.masks;
    if (!masks || masks.length === 0) return out;
    const order = Array.from(masks.keys()).sort(
      (a, b) => masks[b].width * masks[b].height - masks[a].width * masks[a].height,
    );
    for (const i of order) blendMask(out, masks[i], this.#colors.colorOf(detections, i), this.#opacity);
    return out;
  }
}
