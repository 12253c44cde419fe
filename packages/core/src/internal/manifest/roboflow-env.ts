import { ModelError } from '../errors.js';
import type { ContrastMode, ImageAdjustments, InputSpec } from './types.js';

/** What Roboflow's `environment.json` tells us, already in our terms. */
export interface RoboflowEnvironmentInfo {
  /** Resize mode and pad colour from `PREPROCESSING.resize.format`. */
  resize: Pick<InputSpec, 'resize' | 'padColor' | 'padAlign'>;
  /** `PREPROCESSING.resize.width/height` when they are positive integers. */
  width?: number;
  height?: number;
  adjustments: ImageAdjustments;
  /** Classes from `CLASS_MAP` ({"0": "name", ...}) in index order. */
  classMap?: string[];
  colors?: Record<string, string>;
  multiLabel?: boolean;
}

const BLACK: [number, number, number] = [0, 0, 0];

/**
 * Maps a Roboflow resize `format` to our resize mode.
 *
 * Pad colours follow Roboflow's own letterbox calls: black `(0,0,0)`, white
 * `(255,255,255)`, and grey `(114,114,114)` (not 127: Roboflow pads grey with
 * the Ultralytics value). Reflect-edge, "Fit within" and centre-crop formats
 * are served as black-edge letterbox, as Roboflow does; anything else
 * (including a missing format) stretches.
 *
 * @example
 * resizeFromRoboflowFormat('Fit (grey edges) in');
 * // -> { resize: 'letterbox', padColor: [114, 114, 114], padAlign: 'center' }
 */
export function resizeFromRoboflowFormat(format: string | undefined): RoboflowEnvironmentInfo['resize'] {
  const letterbox = (c: [number, number, number]) => ({
    resize: 'letterbox' as const,
    padColor: c,
    padAlign: 'center' as const,
  });
  switch (format) {
    case 'Fit (black edges) in':
    case 'Fit (reflect edges) in':
    case 'Fit within':
    case 'Fill (with center crop) in':
      return letterbox([...BLACK]);
    case 'Fit (white edges) in':
      return letterbox([255, 255, 255]);
    case 'Fit (grey edges) in':
      return letterbox([114, 114, 114]);
    default:
      return { resize: 'stretch' };
  }
}

const CONTRAST: Record<string, ContrastMode> = {
  'Contrast Stretching': 'contrast-stretching',
  'Histogram Equalization': 'histogram-equalization',
  'Adaptive Equalization': 'adaptive-equalization',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const enabled = (v: unknown): boolean => isObj(v) && (v.enabled === true || v.enabled === 'true');

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
}

function percent(v: unknown, field: string, source: string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) {
    throw new ModelError(
      'CORE_ERR_MODEL_MANIFEST',
      `${source}: "PREPROCESSING.static-crop.${field}" must be a percentage (got ${JSON.stringify(v)})`,
      {
        details: { field: `PREPROCESSING.static-crop.${field}`, source },
      },
    );
  }
  return n;
}

/** Turns `CLASS_MAP` ({"0":"a","2":"c"}) into an array, naming gaps `class_<i>`. */
export function classesFromClassMap(map: unknown): string[] | undefined {
  if (!isObj(map)) return undefined;
  const entries = Object.entries(map)
    .map(([k, v]) => [Number(k), String(v)] as const)
    .filter(([k]) => Number.isInteger(k) && k >= 0);
  if (entries.length === 0) return undefined;
  const n = Math.max(...entries.map(([k]) => k)) + 1;
  const out = Array.from({ length: n }, (_, i) => `class_${i}`);
  for (const [k, v] of entries) out[k] = v;
  return out;
}

/**
 * Reads a parsed Roboflow `environment.json`. `PREPROCESSING` may be a dict
 * or a JSON string of one (both occur in the wild).
 *
 * @example
 * parseRoboflowEnvironment({ PREPROCESSING: '{"resize":{"format":"Stretch to","width":416,"height":416}}',
 *   CLASS_MAP: { '0': 'car' } });
 * // -> { resize: { resize: 'stretch' }, width: 416, height: 416, adjustments: {}, classMap: ['car'] }
 */
export function parseRoboflowEnvironment(env: unknown, source = 'environment.json'): RoboflowEnvironmentInfo {
  if (!isObj(env)) {
    throw new ModelError('CORE_ERR_MODEL_MANIFEST', `${source}: must be a JSON object`, {
      details: { source },
    });
  }
  let pre: unknown = env.PREPROCESSING ?? {};
  if (typeof pre === 'string') {
    try {
      pre = pre.trim() === '' ? {} : JSON.parse(pre);
    } catch (cause) {
      throw new ModelError(
        'CORE_ERR_MODEL_MANIFEST',
        `${source}: "PREPROCESSING" is a string but not valid JSON`,
        {
          cause,
          details: { field: 'PREPROCESSING', source },
        },
      );
    }
  }
  if (!isObj(pre)) {
    throw new ModelError(
      'CORE_ERR_MODEL_MANIFEST',
      `${source}: "PREPROCESSING" must be an object or a JSON string of one`,
      {
        details: { field: 'PREPROCESSING', source },
      },
    );
  }

  const resizeCfg = isObj(pre.resize) ? pre.resize : undefined;
  const info: RoboflowEnvironmentInfo = {
    // Roboflow reads the format whenever a resize block exists, enabled or not.
    resize: resizeFromRoboflowFormat(typeof resizeCfg?.format === 'string' ? resizeCfg.format : undefined),
    adjustments: {},
  };
  const w = positiveInt(resizeCfg?.width);
  const h = positiveInt(resizeCfg?.height);
  if (w !== undefined && h !== undefined) {
    info.width = w;
    info.height = h;
  }

  const crop = pre['static-crop'];
  if (enabled(crop)) {
    const c = crop as Obj;
    info.adjustments.staticCrop = {
      xMin: percent(c.x_min, 'x_min', source),
      yMin: percent(c.y_min, 'y_min', source),
      xMax: percent(c.x_max, 'x_max', source),
      yMax: percent(c.y_max, 'y_max', source),
    };
  }
  if (enabled(pre.grayscale)) info.adjustments.grayscale = true;
  const contrast = pre.contrast;
  if (enabled(contrast) && typeof (contrast as Obj).type === 'string') {
    const mode = CONTRAST[(contrast as Obj).type as string];
    if (mode) info.adjustments.contrast = mode;
  }
  if (isObj(pre['auto-orient'])) info.adjustments.autoOrient = enabled(pre['auto-orient']);

  const classMap = classesFromClassMap(env.CLASS_MAP);
  if (classMap) info.classMap = classMap;
  if (isObj(env.COLORS)) {
    const colors: Record<string, string> = {};
    for (const [k, v] of Object.entries(env.COLORS))
      if (typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v)) colors[k] = v;
    info.colors = colors;
  }
  if (env.MULTICLASS === true || env.MULTICLASS === 'true') info.multiLabel = true;
  return info;
}
