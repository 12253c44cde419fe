import { ActiveLearningError } from './errors.js';

/** Limit windows of a strategy (§3.5). */
export type LimitWindow = 'minutely' | 'hourly' | 'daily';
export const LIMIT_WINDOWS: readonly LimitWindow[] = ['minutely', 'hourly', 'daily'];

export interface StrategyLimit {
  type: LimitWindow;
  value: number;
}

/** Shared by every strategy. */
interface StrategyBase {
  name: string;
  tags: string[];
  limits: StrategyLimit[];
}

export interface RandomStrategy extends StrategyBase {
  type: 'random';
  trafficPercentage: number;
}

export interface CloseToThresholdStrategy extends StrategyBase {
  type: 'close_to_threshold';
  threshold: number;
  epsilon: number;
  probability: number;
  /** undefined = every class. */
  selectedClassNames?: ReadonlySet<string>;
  onlyTopClasses: boolean;
  minimumObjectsCloseToThreshold: number;
}

export interface ClassesBasedStrategy extends StrategyBase {
  type: 'classes_based';
  selectedClassNames: ReadonlySet<string>;
  probability: number;
}

export interface DetectionsNumberBasedStrategy extends StrategyBase {
  type: 'detections_number_based';
  probability: number;
  moreThan?: number;
  lessThan?: number;
  selectedClassNames?: ReadonlySet<string>;
}

export type SamplingStrategy =
  | RandomStrategy
  | CloseToThresholdStrategy
  | ClassesBasedStrategy
  | DetectionsNumberBasedStrategy;

export type RecreationInterval = 'never' | 'daily' | 'weekly' | 'monthly';

export interface BatchingStrategy {
  batchesNamePrefix: string;
  recreationInterval: RecreationInterval;
  maxBatchImages?: number;
}

/** A validated configuration. `enabled: false` carries nothing else. */
export type ActiveLearningConfig =
  | { enabled: false }
  | {
      enabled: true;
      persistPredictions: boolean;
      samplingStrategies: SamplingStrategy[];
      batching: BatchingStrategy;
      /** `[height, width]`, downscale only. */
      maxImageSize?: [number, number];
      jpegCompressionLevel: number;
      tags: string[];
      targetWorkspace?: string;
      targetProject?: string;
      /** Names of strategies skipped because their `type` is unknown (Roboflow warns and goes on). */
      skippedStrategies: string[];
    };

export type EnabledConfig = Extract<ActiveLearningConfig, { enabled: true }>;

const TAG_RE = /^[a-zA-Z0-9\-_:/.[\]<>{}@]{1,64}$/;
const KNOWN_TYPES = new Set(['random', 'close_to_threshold', 'classes_based', 'detections_number_based']);

type Obj = Record<string, unknown>;

const bad = (path: string, what: string) =>
  new ActiveLearningError('AL_ERR_CONFIG_INVALID', `Active learning config: \`${path}\` ${what}`, { path });

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function req(o: Obj, key: string, path: string): unknown {
  if (o[key] === undefined || o[key] === null) throw bad(`${path}${key}`, 'is required.');
  return o[key];
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw bad(path, `must be a boolean, got ${JSON.stringify(v)}.`);
  return v;
}

function num(v: unknown, path: string, min: number, max: number, minExclusive = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw bad(path, `must be a number, got ${JSON.stringify(v)}.`);
  if (v < min || v > max || (minExclusive && v === min))
    throw bad(path, `must be in ${minExclusive ? '(' : '['}${min}, ${max}], got ${v}.`);
  return v;
}

function int(v: unknown, path: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw bad(path, `must be an integer, got ${JSON.stringify(v)}.`);
  if (v < min) throw bad(path, `must be >= ${min}, got ${v}.`);
  return v;
}

function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0)
    throw bad(path, `must be a non-empty string, got ${JSON.stringify(v)}.`);
  return v;
}

function tags(v: unknown, path: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(path, 'must be a list of tags.');
  return v.map((t, i) => {
    if (typeof t !== 'string' || !TAG_RE.test(t))
      throw bad(
        `${path}[${i}]`,
        `must be 1-64 characters of a-zA-Z0-9-_:/.[]<>{}@, got ${JSON.stringify(t)}.`,
      );
    return t;
  });
}

function classNames(v: unknown, path: string): ReadonlySet<string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((c) => typeof c !== 'string'))
    throw bad(path, 'must be a list of class names.');
  return new Set(v as string[]);
}

function limits(v: unknown, path: string): StrategyLimit[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bad(path, 'must be a list of {type, value}.');
  return v.map((l, i) => {
    const p = `${path}[${i}]`;
    if (!isObj(l)) throw bad(p, 'must be an object {type, value}.');
    const type = req(l, 'type', `${p}.`);
    if (!LIMIT_WINDOWS.includes(type as LimitWindow))
      throw bad(`${p}.type`, `must be one of minutely, hourly, daily, got ${JSON.stringify(type)}.`);
    return { type: type as LimitWindow, value: int(req(l, 'value', `${p}.`), `${p}.value`, 0) };
  });
}

function strategy(s: unknown, path: string): SamplingStrategy | undefined {
  if (!isObj(s)) throw bad(path, 'must be an object.');
  const p = `${path}.`;
  const name = str(req(s, 'name', p), `${p}name`);
  const type = str(req(s, 'type', p), `${p}type`);
  if (!KNOWN_TYPES.has(type)) return undefined;
  const base = { name, tags: tags(s.tags, `${p}tags`), limits: limits(s.limits, `${p}limits`) };
  const probability = () => num(req(s, 'probability', p), `${p}probability`, 0, 1);
  switch (type) {
    case 'random':
      return {
        ...base,
        type,
        trafficPercentage: num(req(s, 'traffic_percentage', p), `${p}traffic_percentage`, 0, 1),
      };
    case 'close_to_threshold':
      return {
        ...base,
        type,
        threshold: num(req(s, 'threshold', p), `${p}threshold`, 0, 1),
        epsilon: num(req(s, 'epsilon', p), `${p}epsilon`, 0, 1, true),
        probability: probability(),
        selectedClassNames: classNames(s.selected_class_names, `${p}selected_class_names`),
        onlyTopClasses:
          s.only_top_classes === undefined ? true : bool(s.only_top_classes, `${p}only_top_classes`),
        minimumObjectsCloseToThreshold:
          s.minimum_objects_close_to_threshold === undefined
            ? 1
            : int(s.minimum_objects_close_to_threshold, `${p}minimum_objects_close_to_threshold`, 1),
      };
    case 'classes_based': {
      const sel = classNames(req(s, 'selected_class_names', p), `${p}selected_class_names`);
      return { ...base, type, selectedClassNames: sel ?? new Set(), probability: probability() };
    }
    default: {
      const moreThan =
        s.more_than === undefined || s.more_than === null ? undefined : int(s.more_than, `${p}more_than`, 0);
      const lessThan =
        s.less_than === undefined || s.less_than === null ? undefined : int(s.less_than, `${p}less_than`, 0);
      if (moreThan !== undefined && lessThan !== undefined && moreThan >= lessThan)
        throw bad(`${p}more_than`, `(${moreThan}) must be lower than less_than (${lessThan}).`);
      return {
        ...base,
        type: 'detections_number_based',
        probability: probability(),
        ...(moreThan !== undefined ? { moreThan } : {}),
        ...(lessThan !== undefined ? { lessThan } : {}),
        selectedClassNames: classNames(s.selected_class_names, `${p}selected_class_names`),
      };
    }
  }
}

/**
 * Validates Roboflow's active learning configuration (the JSON stored per
 * project, or a local file) and returns it typed. Unknown strategy types are
 * skipped (listed in `skippedStrategies`), as Roboflow does; everything else
 * that is wrong throws `AL_ERR_CONFIG_INVALID` naming the key.
 *
 * @example
 * const c = parseActiveLearningConfig({
 *   enabled: true, persist_predictions: true,
 *   sampling_strategies: [{ name: 'all', type: 'random', traffic_percentage: 0.1 }],
 *   batching_strategy: { batches_name_prefix: 'al', recreation_interval: 'daily' },
 * });
 * c.enabled && c.jpegCompressionLevel; // 95
 */
export function parseActiveLearningConfig(raw: unknown): ActiveLearningConfig {
  if (!isObj(raw)) throw bad('(root)', 'must be a JSON object.');
  const enabled = bool(req(raw, 'enabled', ''), 'enabled');
  if (!enabled) return { enabled: false };
  const persistPredictions = bool(req(raw, 'persist_predictions', ''), 'persist_predictions');
  const list = req(raw, 'sampling_strategies', '');
  if (!Array.isArray(list) || list.length === 0)
    throw bad('sampling_strategies', 'must be a non-empty list.');
  const samplingStrategies: SamplingStrategy[] = [];
  const skippedStrategies: string[] = [];
  const names = new Set<string>();
  list.forEach((s, i) => {
    const parsed = strategy(s, `sampling_strategies[${i}]`);
    const name = (s as Obj).name as string;
    if (names.has(name))
      throw bad(`sampling_strategies[${i}].name`, `duplicates the strategy name ${JSON.stringify(name)}.`);
    names.add(name);
    if (parsed) samplingStrategies.push(parsed);
    else skippedStrategies.push(name);
  });
  const b = req(raw, 'batching_strategy', '');
  if (!isObj(b)) throw bad('batching_strategy', 'must be an object.');
  const prefix = str(
    req(b, 'batches_name_prefix', 'batching_strategy.'),
    'batching_strategy.batches_name_prefix',
  );
  const interval = req(b, 'recreation_interval', 'batching_strategy.');
  if (!['never', 'daily', 'weekly', 'monthly'].includes(interval as string))
    throw bad(
      'batching_strategy.recreation_interval',
      `must be one of never, daily, weekly, monthly, got ${JSON.stringify(interval)}.`,
    );
  const batching: BatchingStrategy = {
    batchesNamePrefix: prefix,
    recreationInterval: interval as RecreationInterval,
  };
  if (b.max_batch_images !== undefined && b.max_batch_images !== null)
    batching.maxBatchImages = int(b.max_batch_images, 'batching_strategy.max_batch_images', 0);
  let maxImageSize: [number, number] | undefined;
  if (raw.max_image_size !== undefined && raw.max_image_size !== null) {
    const m = raw.max_image_size;
    if (!Array.isArray(m) || m.length !== 2) throw bad('max_image_size', 'must be [height, width].');
    maxImageSize = [int(m[0], 'max_image_size[0]', 1), int(m[1], 'max_image_size[1]', 1)];
  }
  const jpeg = raw.jpeg_compression_level ?? 95;
  const jpegCompressionLevel = int(jpeg, 'jpeg_compression_level', 1);
  if (jpegCompressionLevel > 100)
    throw bad('jpeg_compression_level', `must be in [1, 100], got ${jpegCompressionLevel}.`);
  const out: EnabledConfig = {
    enabled: true,
    persistPredictions,
    samplingStrategies,
    batching,
    jpegCompressionLevel,
    tags: tags(raw.tags, 'tags'),
    skippedStrategies,
  };
  if (maxImageSize) out.maxImageSize = maxImageSize;
  if (raw.target_workspace !== undefined) out.targetWorkspace = str(raw.target_workspace, 'target_workspace');
  if (raw.target_project !== undefined) out.targetProject = str(raw.target_project, 'target_project');
  return out;
}
