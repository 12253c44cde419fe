import type { Detections } from '../detections/detections.js';
import type { RgbImage } from '../image/types.js';
import { ColorResolver } from './colors.js';
import { strokeRect } from './draw.js';
import { defaultStrokeWidth } from './scale.js';
import { drawTarget, positiveInt } from './target.js';
import type { Annotator, AnnotatorOptions } from './types.js';

/** Options of {@link BoxAnnotator}. */
export interface BoxAnnotatorOptions extends AnnotatorOptions {
  /** Stroke width in pixels, drawn inside each box (default from the image size: 2 up to 720p, 3 at 1080p). */
  thickness?: number;
}

/**
 * Outlines each detection's box in its colour, clipped to the image.
 * @example
 * const out = new BoxAnnotator({ thickness: 2 }).annotate(image, detections);
 */
export class BoxAnnotator implements Annotator {
  readonly #colors: ColorResolver;
  readonly #thickness?: number;
  readonly #inPlace: boolean;

  constructor(options: BoxAnnotatorOptions = {}) {
    this.#colors = new ColorResolver(options);
    if (options.thickness !== undefined) this.#thickness = positiveInt(options.thickness, 1, 'thickness');
    this.#inPlace = options.inPlace ?? false;
  }

  /** Outline every box; returns a copy of `image`, or `image` itself when `inPlace`. */
  annotate(image: RgbImage, detections: Detections): RgbImage {
    const out = drawTarget(image, this.#inPlace);
    const t = this.#thickness ?? defaultStrokeWidth(out.width, out.height);
    const b = detections.xyxy;
    for (let i = 0; i < detections.length; i++) {
      strokeRect(
        out,
        b[i * 4],
        b[i * 4 + 1],
        b[i * 4 + 2],
        b[i * 4 + 3],
        this.#colors.colorOf(detections, i),
        t,
      );
    }
    return out;
  }
}
