import type { Detections } from '../detections/detections.js';
import type { RgbImage } from '../image/types.js';
import { ColorResolver } from './colors.js';
import { drawLine, fillCircle } from './draw.js';
import { defaultStrokeWidth } from './scale.js';
import { drawTarget, positiveInt } from './target.js';
import type { Annotator, AnnotatorOptions } from './types.js';

/** Options of {@link PolygonAnnotator}. */
export interface PolygonAnnotatorOptions extends AnnotatorOptions {
  /** Line width in pixels (default from the image size, as for boxes). */
  thickness?: number;
}

/**
 * The polygons of detection entry `entry` of `data.polygon`: one flat
 * `x0, y0, x1, y1, ...` array (typed or plain), or an array of them (a
 * detection made of several parts). Anything else yields none.
 */
export function polygonsOf(entry: unknown): ArrayLike<number>[] {
  if (ArrayBuffer.isView(entry) && !(entry instanceof DataView))
    return [entry as unknown as ArrayLike<number>];
  if (!Array.isArray(entry) || entry.length === 0) return [];
  if (typeof entry[0] === 'number') return [entry as number[]];
  return entry.filter(
    (p): p is ArrayLike<number> => (ArrayBuffer.isView(p) && !(p instanceof DataView)) || Array.isArray(p),
  );
}

/**
 * Outlines closed polygons from `detections.data.polygon` (per detection a
 * Float32Array of x, y pairs in image pixels, or an array of such arrays),
 * with round joints so thick outlines have no notches at corners.
 * @example
 * const d = new Detections({ ..., data: { polygon: [new Float32Array([10, 10, 50, 10, 30, 40])] } });
 * new PolygonAnnotator({ thickness: 2 }).annotate(image, d);
 */
export class PolygonAnnotator implements Annotator {
  readonly #colors: ColorResolver;
  readonly #thickness?: number;
  readonly #inPlace: boolean;

  constructor(options: PolygonAnnotatorOptions = {}) {
    this.#colors = new ColorResolver(options);
    if (options.thickness !== undefined) this.#thickness = positiveInt(options.thickness, 1, 'thickness');
    this.#inPlace = options.inPlace ?? false;
  }

  /** Outline every polygon; returns a copy of `image`, or `image` itself when `inPlace`. */
  annotate(image: RgbImage, detections: Detections): RgbImage {
    const out = drawTarget(image, this.#inPlace);
    const column = detections.data.polygon;
    if (!column) return out;
    const t = this.#thickness ?? defaultStrokeWidth(out.width, out.height);
    const joint = t >= 3 ? (t - 1) / 2 : -1;
    for (let i = 0; i < detections.length; i++) {
      const color = this.#colors.colorOf(detections, i);
      for (const poly of polygonsOf(column[i])) {
        const m = poly.length >> 1;
        for (let k = 0; k < m; k++) {
          const j = (k + 1) % m;
          drawLine(out, poly[2 * k], poly[2 * k + 1], poly[2 * j], poly[2 * j + 1], color, t);
          if (joint >= 0) fillCircle(out, poly[2 * k], poly[2 * k + 1], joint, color);
        }
      }
    }
    return out;
  }
}
