import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ModelError } from '../errors.js';
import {
  findClassNamesFile,
  keypointsFromRoboflowMetadata,
  parseClassNames,
  readClassNamesFile,
} from './class-names.js';
import { familyFromModelType, taskFromProjectType } from './model-type.js';
import { applyUltralyticsMetadata, readOnnxMetadata } from './onnx-metadata.js';
import { parseRoboflowEnvironment } from './roboflow-env.js';
import type { ModelManifest } from './types.js';
import { validateManifest } from './validate.js';

/** A model directory read from disk. */
export interface ModelDirectory {
  manifest: ModelManifest;
  /** Absolute model directory. */
  dir: string;
  /** Absolute path of the weights file. */
  weightsPath: string;
  /** Which layout the manifest came from. */
  layout: 'inference-json' | 'roboflow' | 'bare-onnx';
}

/** Our own manifest file name. */
export const MANIFEST_FILE = 'inference.json';
/** Input size used when nothing says otherwise (the loader overrides it from a static ONNX input). */
export const DEFAULT_INPUT_SIZE = 640;

/**
 * The manifest of an ONNX file that came with nothing else: object detection,
 * family 'auto', 640² letterbox with grey (114) padding. Channel order, value
 * scale and pad placement stay unset: the loader fills them with the detected
 * family's conventions (YOLOX: BGR, 0..255, top-left; others: RGB, 1/255,
 * centred). An empty `classes` tells the loader to name classes from the output shape.
 */
export function defaultManifest(weights: string, classes: string[] = []): ModelManifest {
  return {
    task: 'object-detection',
    family: 'auto',
    weights,
    input: {
      width: DEFAULT_INPUT_SIZE,
      height: DEFAULT_INPUT_SIZE,
      resize: 'letterbox',
      padColor: [114, 114, 114],
    },
    classes,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ModelError('CORE_ERR_MODEL_MANIFEST', `${path}: cannot be read`, {
      cause,
      details: { source: path },
    });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ModelError('CORE_ERR_MODEL_MANIFEST', `${path}: not valid JSON (${(cause as Error).message})`, {
      cause,
      details: { source: path },
    });
  }
}

async function requireWeights(dir: string, weights: string): Promise<string> {
  const path = join(dir, weights);
  try {
    const s = await stat(path);
    if (s.isFile()) return path;
  } catch {
    // reported below
  }
  throw new ModelError('CORE_ERR_MODEL_ARTEFACT', `weights file "${weights}" is missing in ${dir}`, {
    details: { dir, weights },
  });
}

async function onnxFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => extname(n).toLowerCase() === '.onnx').sort();
}

async function readOurLayout(dir: string): Promise<ModelDirectory> {
  const file = join(dir, MANIFEST_FILE);
  const manifest = validateManifest(await readJson(file), file);
  return {
    manifest,
    dir,
    weightsPath: await requireWeights(dir, manifest.weights),
    layout: 'inference-json',
  };
}

async function readRoboflowLayout(dir: string): Promise<ModelDirectory> {
  const envPath = join(dir, 'environment.json');
  const env = parseRoboflowEnvironment(await readJson(envPath), envPath);

  let modelType: string | undefined;
  let taskType: string | undefined;
  const typePath = join(dir, 'model_type.json');
  if (await exists(typePath)) {
    const t = await readJson(typePath);
    if (typeof t === 'object' && t !== null) {
      const o = t as Record<string, unknown>;
      if (typeof o.model_type === 'string') modelType = o.model_type;
      if (typeof o.project_task_type === 'string') taskType = o.project_task_type;
    }
  }
  const { task, multiLabel } = taskFromProjectType(taskType, typePath);

  let weights = 'weights.onnx';
  if (!(await exists(join(dir, weights)))) {
    const found = await onnxFiles(dir);
    if (found.length === 1) weights = found[0];
  }

  const namesPath = join(dir, 'class_names.txt');
  const classes = (await exists(namesPath))
    ? parseClassNames(await readFile(namesPath, 'utf8'))
    : (env.classMap ?? []);

  const manifest: ModelManifest = {
    task,
    family: familyFromModelType(modelType),
    weights,
    input: {
      width: env.width ?? DEFAULT_INPUT_SIZE,
      height: env.height ?? DEFAULT_INPUT_SIZE,
      ...env.resize,
      colorOrder: 'rgb',
      scale: 1 / 255,
    },
    classes,
  };
  if (env.colors) manifest.colors = env.colors;
  if (Object.keys(env.adjustments).length > 0) manifest.adjustments = env.adjustments;
  if (env.multiLabel || multiLabel) manifest.multiLabel = true;
  const kpPath = join(dir, 'keypoints_metadata.json');
  if (await exists(kpPath)) {
    const kp = keypointsFromRoboflowMetadata(await readJson(kpPath), kpPath);
    if (kp) manifest.keypoints = kp;
  }
  if (modelType) manifest.options = { roboflowModelType: modelType };
  return { manifest, dir, weightsPath: await requireWeights(dir, weights), layout: 'roboflow' };
}

async function readBare(dir: string, weights: string): Promise<ModelDirectory> {
  const stem = basename(weights, extname(weights));
  const namesFile = await findClassNamesFile(dir, stem);
  const classes = namesFile ? await readClassNamesFile(namesFile) : [];
  const weightsPath = join(dir, weights);
  // Ultralytics exports describe themselves (task, names, size) in ONNX metadata
  const manifest = applyUltralyticsMetadata(
    defaultManifest(weights, classes),
    await readOnnxMetadata(weightsPath),
  );
  return { manifest, dir, weightsPath, layout: 'bare-onnx' };
}

/**
 * Reads a model directory into a manifest. Layouts, in order:
 * 1. `inference.json` (our manifest, validated field by field);
 * 2. Roboflow's cache layout (`environment.json`, `weights.onnx`,
 *    `class_names.txt` or `CLASS_MAP`, `model_type.json`,
 *    `keypoints_metadata.json`);
 * 3. a directory holding exactly one `*.onnx` (see {@link defaultManifest}).
 *
 * A path to a file is passed on to {@link readOnnxFile}.
 *
 * @example
 * const { manifest, weightsPath } = await readModelDir('/root/.cache/inference-ts/coco/3');
 * manifest.family; // -> 'yolov8'
 */
export async function readModelDir(dir: string): Promise<ModelDirectory> {
  const abs = resolve(dir);
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(abs);
  } catch (cause) {
    throw new ModelError('CORE_ERR_MODEL_NOT_FOUND', `no model at ${abs}`, { cause, details: { path: abs } });
  }
  if (s.isFile()) return readOnnxFile(abs);
  if (await exists(join(abs, MANIFEST_FILE))) return readOurLayout(abs);
  if (await exists(join(abs, 'environment.json'))) return readRoboflowLayout(abs);
  const found = await onnxFiles(abs);
  if (found.length === 1) return readBare(abs, found[0]);
  throw new ModelError(
    'CORE_ERR_MODEL_MANIFEST',
    found.length === 0
      ? `${abs}: no ${MANIFEST_FILE}, environment.json or .onnx file`
      : `${abs}: several .onnx files (${found.join(', ')}); add ${MANIFEST_FILE} or pass the file path`,
    { details: { path: abs } },
  );
}

/**
 * Reads a single ONNX file. When its directory holds a manifest describing
 * this very file (`inference.json`, or Roboflow's layout for `weights.onnx`),
 * that manifest wins; otherwise defaults apply, with class names from a
 * sibling `<stem>.names`, `classes.txt`, `class_names.txt`, ... if present.
 *
 * @example
 * const { manifest } = await readOnnxFile('/work/shared/models/yolox_nano.onnx');
 * manifest.family;         // -> 'auto'
 * manifest.classes.length; // -> 80 (from coco.names beside it)
 */
export async function readOnnxFile(path: string): Promise<ModelDirectory> {
  const abs = resolve(path);
  try {
    if (!(await stat(abs)).isFile()) throw new Error('not a file');
  } catch (cause) {
    throw new ModelError('CORE_ERR_MODEL_NOT_FOUND', `no model file at ${abs}`, {
      cause,
      details: { path: abs },
    });
  }
  const dir = dirname(abs);
  const name = basename(abs);
  if (await exists(join(dir, MANIFEST_FILE))) {
    const m = await readOurLayout(dir);
    if (m.weightsPath === abs) return m;
  } else if (name === 'weights.onnx' && (await exists(join(dir, 'environment.json')))) {
    return readRoboflowLayout(dir);
  }
  return readBare(dir, name);
}
