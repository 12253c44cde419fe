import type { Detections } from '../detections/detections.js';
import { InferenceError } from '../errors.js';
import { classNameOf } from './class-name.js';

/** An RGB colour, each channel an integer 0..255. */
export type Color = readonly [number, number, number];

/** A colour as an RGB triple or a `'#rrggbb'` / `'#rgb'` string. */
export type ColorLike = Color | string;

/** Which detection property picks the palette entry. */
export type ColorLookup = 'class' | 'track' | 'index';

// Declared before DEFAULT_PALETTE, which parses at module load.
const HEX6 = /^#?([0-9a-f]{6})$/i;
const HEX3 = /^#?([0-9a-f]{3})$/i;

/** Pure black, the dark text colour. */
export const BLACK: Color = [0, 0, 0];
/** Pure white, the light text colour. */
export const WHITE: Color = [255, 255, 255];

/**
 * The default palette: 24 saturated colours chosen to stay apart from their
 * neighbours, so consecutive class ids get visibly different colours.
 */
export const DEFAULT_PALETTE: readonly Color[] = [
  '#ff3b30', // red
  '#34c759', // green
  '#007aff', // blue
  '#ffcc00', // yellow
  '#af52de', // purple
  '#ff9500', // orange
  '#00c7be', // teal
  '#ff2d92', // pink
  '#8e5a2b', // brown
  '#5ac8fa', // sky
  '#a2d729', // lime
  '#3a3ab8', // indigo
  '#ff8a80', // salmon
  '#1b7a4a', // forest
  '#8b1e3f', // maroon
  '#d4a5ff', // lavender
  '#7f8c8d', // grey
  '#006d77', // dark cyan
  '#b8e986', // pale green
  '#1d3557', // navy
  '#bc6c25', // rust
  '#f15bb5', // magenta
  '#e0e0e0', // light grey
  '#556b2f', // olive
].map((hex) => parseHexColor(hex));

/**
 * Parse `'#rrggbb'` (or the short `'#rgb'`; the `#` is optional).
 * @throws InferenceError `CORE_ERR_INVALID_PARAMETER` when the string is not a hex colour.
 * @example
 * parseHexColor('#ff8000') // [255, 128, 0]
 * parseHexColor('#0f0')    // [0, 255, 0]
 */
export function parseHexColor(hex: string): Color {
  const s = hex.trim();
  const m6 = HEX6.exec(s);
  if (m6) {
    const v = Number.parseInt(m6[1], 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  const m3 = HEX3.exec(s);
  if (m3) {
    const v = Number.parseInt(m3[1], 16);
    return [((v >> 8) & 15) * 17, ((v >> 4) & 15) * 17, (v & 15) * 17];
  }
  throw new InferenceError('CORE_ERR_INVALID_PARAMETER', `Not a hex colour: '${hex}' (expected '#rrggbb')`);
}

/**
 * Normalise a {@link ColorLike} to an RGB triple (channels rounded and clamped to 0..255).
 * @example
 * toColor('#000000')      // [0, 0, 0]
 * toColor([300, 10.4, 0]) // [255, 10, 0]
 */
export function toColor(c: ColorLike): Color {
  if (typeof c === 'string') return parseHexColor(c);
  if (c.length !== 3 || !c.every((v) => Number.isFinite(v))) {
    throw new InferenceError('CORE_ERR_INVALID_PARAMETER', `Not an RGB colour: [${c.join(', ')}]`);
  }
  return [clamp255(c[0]), clamp255(c[1]), clamp255(c[2])];
}

function clamp255(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v)));
}

/** WCAG relative luminance of an sRGB colour, 0 (black) .. 1 (white). */
export function relativeLuminance(c: Color): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/**
 * Black or white, whichever has the higher WCAG contrast ratio against `background`.
 * @example
 * contrastingTextColor([20, 20, 120])  // [255, 255, 255]
 * contrastingTextColor([255, 220, 0])  // [0, 0, 0]
 */
export function contrastingTextColor(background: Color): Color {
  const l = relativeLuminance(background);
  // contrast with white = 1.05 / (l + 0.05); with black = (l + 0.05) / 0.05
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? WHITE : BLACK;
}

/** Colour settings shared by every annotator. */
export interface ColorOptions {
  /** One colour for every detection; overrides everything below. */
  color?: ColorLike;
  /** Palette indexed by the lookup key (default {@link DEFAULT_PALETTE}). */
  palette?: readonly ColorLike[];
  /** What indexes the palette (default 'class'; 'track' falls back to the class for untracked detections). */
  colorLookup?: ColorLookup;
  /** Class name -> '#rrggbb', e.g. a manifest's `colors`; wins over the palette for named classes. */
  classColors?: Readonly<Record<string, string>>;
  /** Names by class id, used when `detections.data.className` is absent. */
  classNames?: readonly string[];
}

/**
 * Picks each detection's colour from {@link ColorOptions}. Colours are parsed
 * once here, so `colorOf` is a few lookups per detection.
 * @example
 * const r = new ColorResolver({ classColors: { dog: '#00ff00' } });
 * r.colorOf(detections, 0) // [0, 255, 0] when detection 0 is a 'dog'
 */
export class ColorResolver {
  readonly #fixed?: Color;
  readonly #palette: readonly Color[];
  readonly #lookup: ColorLookup;
  readonly #byName: ReadonlyMap<string, Color>;
  readonly #classNames?: readonly string[];

  constructor(options: ColorOptions = {}) {
    if (options.color !== undefined) this.#fixed = toColor(options.color);
    this.#palette = options.palette ? options.palette.map(toColor) : DEFAULT_PALETTE;
    if (this.#palette.length === 0)
      throw new InferenceError('CORE_ERR_INVALID_PARAMETER', 'The palette is empty');
    this.#lookup = options.colorLookup ?? 'class';
    const byName = new Map<string, Color>();
    for (const [name, hex] of Object.entries(options.classColors ?? {})) byName.set(name, parseHexColor(hex));
    this.#byName = byName;
    this.#classNames = options.classNames;
  }

  /** The colour of detection `i`. */
  colorOf(detections: Detections, i: number): Color {
    if (this.#fixed) return this.#fixed;
    if (this.#lookup === 'index') return this.paletteColor(i);
    if (this.#lookup === 'track') {
      const t = detections.trackerId?.[i] ?? -1;
      if (t >= 0) return this.paletteColor(t);
    }
    if (this.#byName.size > 0) {
      const name = classNameOf(detections, i, this.#classNames);
      const named = name !== undefined ? this.#byName.get(name) : undefined;
      if (named) return named;
    }
    return this.paletteColor(detections.classId[i]);
  }

  /** Palette entry for any integer key (wraps around, negatives included). */
  paletteColor(key: number): Color {
    const n = this.#palette.length;
    return this.#palette[(((key | 0) % n) + n) % n];
  }
}
