import { ModelError } from '../errors.js';
import type {
  ContrastMode,
  ImageAdjustments,
  InputSpec,
  KeypointSpec,
  ModelManifest,
  ResizeMode,
  Task,
} from './types.js';

/** Every task a manifest may declare. */
export const TASKS: readonly Task[] = [
  'object-detection',
  'instance-segmentation',
  'classification',
  'keypoint-detection',
  'semantic-segmentation',
  'ocr',
];
/** Every resize mode a manifest may declare. */
export const RESIZE_MODES: readonly ResizeMode[] = ['stretch', 'letterbox', 'fit-longer-edge', 'center-crop'];
/** Every contrast mode a manifest may declare. */
export const CONTRAST_MODES: readonly ContrastMode[] = [
  'contrast-stretching',
  'histogram-equalization',
  'adaptive-equalization',
];

type Obj = Record<string, unknown>;

/** Collects the field path so that every message names the bad field. */
class Checker {
  constructor(private readonly source: string) {}

  fail(path: string, expected: string, got: unknown): never {
    const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 60);
    throw new ModelError(
      'CORE_ERR_MODEL_MANIFEST',
      `${this.source}: "${path}" must be ${expected} (got ${shown})`,
      {
        details: { field: path, source: this.source },
      },
    );
  }

  object(v: unknown, path: string, allowed: readonly string[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    const o = v as Obj;
    for (const k of Object.keys(o)) {
      // `$schema` and friends are editor hints, not manifest fields.
      if (!allowed.includes(k) && !k.startsWith('$')) {
        const where = path ? `${path}.${k}` : k;
        throw new ModelError('CORE_ERR_MODEL_MANIFEST', `${this.source}: unknown field "${where}"`, {
          details: { field: where, source: this.source },
        });
      }
    }
    return o;
  }

  /** A plain object whose keys are free. */
  record(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Obj;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string' || v.length === 0) this.fail(path, 'a non-empty string', v);
    return v as string;
  }

  oneOf<T extends string>(v: unknown, path: string, options: readonly T[]): T {
    if (typeof v !== 'string' || !options.includes(v as T))
      this.fail(path, `one of ${options.join(', ')}`, v);
    return v as T;
  }

  positiveInt(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) this.fail(path, 'a positive integer', v);
    return v as number;
  }

  finite(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'a finite number', v);
    return v as number;
  }

  bool(v: unknown, path: string): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v as boolean;
  }

  triple(v: unknown, path: string, min = -Infinity, max = Infinity): [number, number, number] {
    if (!Array.isArray(v) || v.length !== 3) this.fail(path, 'an array of 3 numbers', v);
    const a = v as unknown[];
    for (let i = 0; i < 3; i++) {
      const x = a[i];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < min || x > max) {
        this.fail(`${path}[${i}]`, `a number in ${min}..${max}`, x);
      }
    }
    return [a[0], a[1], a[2]] as [number, number, number];
  }

  strings(v: unknown, path: string): string[] {
    if (!Array.isArray(v)) this.fail(path, 'an array of strings', v);
    (v as unknown[]).forEach((s, i) => {
      if (typeof s !== 'string') this.fail(`${path}[${i}]`, 'a string', s);
    });
    return [...(v as string[])];
  }
}

const TOP_KEYS = [
  'task',
  'family',
  'weights',
  'input',
  'classes',
  'colors',
  'adjustments',
  'multiLabel',
  'keypoints',
  'options',
] as const;
const INPUT_KEYS = [
  'width',
  'height',
  'resize',
  'padColor',
  'padAlign',
  'colorOrder',
  'scale',
  'mean',
  'std',
] as const;
const ADJ_KEYS = ['staticCrop', 'grayscale', 'contrast', 'autoOrient'] as const;

function checkInput(c: Checker, v: unknown): InputSpec {
  const o = c.object(v, 'input', INPUT_KEYS);
  const input: InputSpec = {
    width: c.positiveInt(o.width, 'input.width'),
    height: c.positiveInt(o.height, 'input.height'),
    resize: c.oneOf(o.resize, 'input.resize', RESIZE_MODES),
  };
  if (o.padColor !== undefined) input.padColor = c.triple(o.padColor, 'input.padColor', 0, 255);
  if (o.padAlign !== undefined)
    input.padAlign = c.oneOf(o.padAlign, 'input.padAlign', ['center', 'top-left'] as const);
  if (o.colorOrder !== undefined)
    input.colorOrder = c.oneOf(o.colorOrder, 'input.colorOrder', ['rgb', 'bgr'] as const);
  if (o.scale !== undefined) input.scale = c.finite(o.scale, 'input.scale');
  if (o.mean !== undefined) input.mean = c.triple(o.mean, 'input.mean');
  if (o.std !== undefined) {
    input.std = c.triple(o.std, 'input.std');
    input.std.forEach((s, i) => {
      if (s === 0) c.fail(`input.std[${i}]`, 'non-zero', s);
    });
  }
  return input;
}

function checkAdjustments(c: Checker, v: unknown): ImageAdjustments {
  const o = c.object(v, 'adjustments', ADJ_KEYS);
  const adj: ImageAdjustments = {};
  if (o.staticCrop !== undefined) {
    const s = c.object(o.staticCrop, 'adjustments.staticCrop', ['xMin', 'yMin', 'xMax', 'yMax']);
    const pct = (k: string): number => {
      const x = c.finite(s[k], `adjustments.staticCrop.${k}`);
      if (x < 0 || x > 100) c.fail(`adjustments.staticCrop.${k}`, 'a percentage in 0..100', x);
      return x;
    };
    const crop = { xMin: pct('xMin'), yMin: pct('yMin'), xMax: pct('xMax'), yMax: pct('yMax') };
    if (crop.xMax <= crop.xMin) c.fail('adjustments.staticCrop.xMax', 'greater than xMin', crop.xMax);
    if (crop.yMax <= crop.yMin) c.fail('adjustments.staticCrop.yMax', 'greater than yMin', crop.yMax);
    adj.staticCrop = crop;
  }
  if (o.grayscale !== undefined) adj.grayscale = c.bool(o.grayscale, 'adjustments.grayscale');
  if (o.contrast !== undefined) adj.contrast = c.oneOf(o.contrast, 'adjustments.contrast', CONTRAST_MODES);
  if (o.autoOrient !== undefined) adj.autoOrient = c.bool(o.autoOrient, 'adjustments.autoOrient');
  return adj;
}

function checkKeypoints(c: Checker, v: unknown): KeypointSpec {
  const o = c.object(v, 'keypoints', ['names', 'skeleton']);
  const spec: KeypointSpec = { names: c.strings(o.names, 'keypoints.names') };
  if (o.skeleton !== undefined) {
    if (!Array.isArray(o.skeleton)) c.fail('keypoints.skeleton', 'an array of [from, to] pairs', o.skeleton);
    spec.skeleton = (o.skeleton as unknown[]).map((e, i) => {
      const path = `keypoints.skeleton[${i}]`;
      if (!Array.isArray(e) || e.length !== 2) c.fail(path, 'a [from, to] pair', e);
      const [a, b] = e as unknown[];
      for (const x of [a, b]) {
        if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x >= spec.names.length) {
          c.fail(path, `a pair of keypoint indices below ${spec.names.length}`, e);
        }
      }
      return [a, b] as [number, number];
    });
  }
  return spec;
}

/**
 * Checks a parsed `inference.json` and returns it as a typed manifest. Every
 * error is a CORE_ERR_MODEL_MANIFEST naming the bad field; unknown fields are
 * refused (free-form extras belong in `options`). `classes` may be empty: the
 * model loader then names them `class_0..` from the output shape.
 *
 * @param value the parsed JSON
 * @param source shown in messages, e.g. the file path
 * @example
 * validateManifest({ task: 'object-detection', family: 'yolov8', weights: 'weights.onnx',
 *   input: { width: 640, height: 640, resize: 'letterbox' }, classes: ['cat'] }, 'inference.json');
 * // -> the same object, typed as ModelManifest
 */
export function validateManifest(value: unknown, source = 'manifest'): ModelManifest {
  const c = new Checker(source);
  const o = c.object(value, '', TOP_KEYS);
  const manifest: ModelManifest = {
    task: c.oneOf(o.task, 'task', TASKS),
    family: c.string(o.family, 'family'),
    weights: c.string(o.weights, 'weights'),
    input: checkInput(c, o.input),
    classes: c.strings(o.classes, 'classes'),
  };
  if (manifest.weights.split(/[\\/]/).includes('..') || /^([\\/]|[a-zA-Z]:)/.test(manifest.weights)) {
    c.fail('weights', 'a path inside the model directory', manifest.weights);
  }
  if (o.colors !== undefined) {
    const colors = c.record(o.colors, 'colors');
    manifest.colors = {};
    for (const [k, v] of Object.entries(colors)) {
      if (typeof v !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(v))
        c.fail(`colors.${k}`, 'a "#rrggbb" colour', v);
      manifest.colors[k] = v as string;
    }
  }
  if (o.adjustments !== undefined) manifest.adjustments = checkAdjustments(c, o.adjustments);
  if (o.multiLabel !== undefined) manifest.multiLabel = c.bool(o.multiLabel, 'multiLabel');
  if (o.keypoints !== undefined) manifest.keypoints = checkKeypoints(c, o.keypoints);
  if (o.options !== undefined) {
    manifest.options = { ...c.record(o.options, 'options') };
  }
  return manifest;
}
