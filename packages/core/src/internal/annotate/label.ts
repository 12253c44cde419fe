import type { Detections } from '../detections/detections.js';
import type { RgbImage } from '../image/types.js';
import { classNameOf } from './class-name.js';
import { type Color, type ColorLike, ColorResolver, contrastingTextColor, toColor } from './colors.js';
import { fillRect } from './draw.js';
import { drawText, measureText } from './font.js';
import { defaultTextScale } from './scale.js';
import { drawTarget, positiveInt } from './target.js';
import type { Annotator, AnnotatorOptions } from './types.js';

/** Options of {@link LabelAnnotator}. */
export interface LabelAnnotatorOptions extends AnnotatorOptions {
  /** Integer font scale (default from the image size: 1 below ~540 px, 2 at 720p, 3 at 1080p). */
  textScale?: number;
  /** Space between text and background edge in pixels (default 2 × text scale). */
  padding?: number;
  /** Text colour; default black or white, whichever contrasts more with the label colour. */
  textColor?: ColorLike;
  /** Show the class name (or id when no name is known). Default true. */
  showClass?: boolean;
  /** Show the confidence with two decimals. Default true. */
  showConfidence?: boolean;
  /** Show `#<trackerId>` for tracked detections. Default true. */
  showTrackerId?: boolean;
  /** Replace the label text entirely; return '' to draw no label. */
  text?: (detections: Detections, i: number) => string;
}

/**
 * Draws a label such as `#12 person 0.87` on a filled background in the
 * detection's colour, just above the box's top-left corner, moved inside the
 * image when it would fall outside. Draw it after boxes and masks.
 * @example
 * const out = new LabelAnnotator({ classNames: ['person', 'car'] }).annotate(image, detections);
 */
export class LabelAnnotator implements Annotator {
  readonly #colors: ColorResolver;
  readonly #options: LabelAnnotatorOptions;
  readonly #textScale?: number;
  readonly #padding?: number;
  readonly #textColor?: Color;
  readonly #inPlace: boolean;

  constructor(options: LabelAnnotatorOptions = {}) {
    this.#colors = new ColorResolver(options);
    this.#options = options;
    if (options.textScale !== undefined) this.#textScale = positiveInt(options.textScale, 1, 'textScale');
    if (options.padding !== undefined) this.#padding = Math.max(0, Math.round(options.padding));
    if (options.textColor !== undefined) this.#textColor = toColor(options.textColor);
    this.#inPlace = options.inPlace ?? false;
  }

  /** The text drawn for detection `i` ('' = no label). */
  labelText(detections: Detections, i: number): string {
    const o = this.#options;
    if (o.text) return o.text(detections, i);
    const parts: string[] = [];
    const track = detections.trackerId?.[i] ?? -1;
    if ((o.showTrackerId ?? true) && track >= 0) parts.push(`#${track}`);
    if (o.showClass ?? true)
      parts.push(classNameOf(detections, i, o.classNames) ?? String(detections.classId[i]));
    if (o.showConfidence ?? true) parts.push(detections.confidence[i].toFixed(2));
    return parts.join(' ');
  }

  /** Draw every label; returns a copy of `image`, or `image` itself when `inPlace`. */
  annotate(image: RgbImage, detections: Detections): RgbImage {
    const out = drawTarget(image, this.#inPlace);
    const { width, height } = out;
    const scale = this.#textScale ?? defaultTextScale(width, height);
    const pad = this.#padding ?? 2 * scale;
    const b = detections.xyxy;
    for (let i = 0; i < detections.length; i++) {
      const x1 = b[i * 4];
      const y1 = b[i * 4 + 1];
      if (!(Number.isFinite(x1) && Number.isFinite(y1))) continue;
      const text = this.labelText(detections, i);
      if (text === '') continue;
      const size = measureText(text, scale);
      const w = size.width + 2 * pad;
      const h = size.height + 2 * pad;
      // Above the box, left edges aligned; then pulled back inside the frame.
      const left = Math.max(0, Math.min(Math.round(Math.min(x1, b[i * 4 + 2])), width - w));
      const top = Math.max(0, Math.min(Math.round(Math.min(y1, b[i * 4 + 3])) - h, height - h));
      const bg = this.#colors.colorOf(detections, i);
      fillRect(out, left, top, left + w, top + h, bg);
      drawText(out, left + pad, top + pad, text, this.#textColor ?? contrastingTextColor(bg), scale);
    }
    return out;
  }
}
