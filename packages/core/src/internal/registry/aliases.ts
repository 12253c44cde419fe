import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError } from '../errors.js';
import { makeDir } from './make-dir.js';

const SIZES = ['n', 's', 'm', 'l', 'x'] as const;
const zip = (names: readonly string[], targets: readonly string[]): [string, string][] =>
  names.map((n, i) => [n, targets[i]]);

/**
 * Roboflow's public model aliases (`inference/models/aliases.py`), e.g.
 * `yolov8n-640` -> `coco/3`. Requests may use either name.
 */
export const BUILTIN_ALIASES: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries([
    ...zip(
      SIZES.map((s) => `yolov8${s}-640`),
      ['coco/3', 'coco/6', 'coco/8', 'coco/7', 'coco/5'],
    ),
    ...zip(
      SIZES.map((s) => `yolov8${s}-1280`),
      ['coco/9', 'coco/10', 'coco/11', 'coco/12', 'coco/13'],
    ),
    ...zip(
      SIZES.map((s) => `yolov8${s}-seg-640`),
      [
        'coco-dataset-vdnr1/2',
        'coco-dataset-vdnr1/4',
        'coco-dataset-vdnr1/5',
        'coco-dataset-vdnr1/6',
        'coco-dataset-vdnr1/3',
      ],
    ),
    ...zip(
      SIZES.map((s) => `yolov8${s}-seg-1280`),
      [
        'coco-dataset-vdnr1/7',
        'coco-dataset-vdnr1/8',
        'coco-dataset-vdnr1/9',
        'coco-dataset-vdnr1/10',
        'coco-dataset-vdnr1/11',
      ],
    ),
    ...SIZES.map((s, i) => [`yolov8${s}-pose-640`, `coco-pose-detection/${i + 1}`]),
    ['yolov8x-pose-1280', 'coco-pose-detection/6'],
    ...['n', 's', 'm', 'b', 'l', 'x'].map((s, i) => [`yolov10${s}-640`, `coco/${19 + i}`]),
    ...SIZES.flatMap((s, i) => [
      [`yolov11${s}-640`, `coco/${25 + i}`],
      [`yolo11${s}-640`, `coco/${25 + i}`],
      [`yolov11${s}-1280`, `coco/${30 + i}`],
      [`yolo11${s}-1280`, `coco/${30 + i}`],
      [`yolov11${s}-seg-640`, `coco-dataset-vdnr1/${19 + i}`],
      [`yolo11${s}-seg-640`, `coco-dataset-vdnr1/${19 + i}`],
    ]),
    ...SIZES.map((s, i) => [`yolo26${s}-640`, `coco/${41 + i}`]),
    ...['s', 'm', 'l'].map((s, i) => [`yolo-nas-${s}-640`, `coco/${14 + i}`]),
    ...zip(
      [
        'rfdetr-base',
        'rfdetr-nano',
        'rfdetr-small',
        'rfdetr-medium',
        'rfdetr-large',
        'rfdetr-xlarge',
        'rfdetr-2xlarge',
      ],
      ['coco/36', 'coco/38', 'coco/39', 'coco/40', 'coco/50', 'coco/47', 'coco/48'],
    ),
    ...['18', '34', '50', '101'].map((d, i) => [`resnet${d}`, `classifiers/${i + 1}`]),
  ]),
);

/** The user alias file, kept in the cache directory. */
export const ALIAS_FILE = 'aliases.json';

function checkAliasTable(value: unknown, source: string): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ModelError('CORE_ERR_MODEL_ID', `${source}: must be a JSON object of alias -> model id`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string' || v.length === 0) {
      throw new ModelError('CORE_ERR_MODEL_ID', `${source}: alias "${k}" must map to a non-empty string`);
    }
    out[k] = v;
  }
  return out;
}

/** Reads `<cacheDir>/aliases.json`; a missing file is an empty table. */
export async function readAliasFile(cacheDir: string): Promise<Record<string, string>> {
  const path = join(cacheDir, ALIAS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ModelError('CORE_ERR_MODEL_ID', `${path}: cannot be read`, { cause: e });
  }
  try {
    return checkAliasTable(JSON.parse(text), path);
  } catch (e) {
    if (e instanceof ModelError) throw e;
    throw new ModelError('CORE_ERR_MODEL_ID', `${path}: not valid JSON`, { cause: e });
  }
}

/**
 * Checks an alias name: a single token (no `/`, no whitespace, not `.`/`..`),
 * so that it can never be mistaken for a `dataset/version` id or a path.
 */
export function checkAliasName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.length > 128) {
    throw new ModelError(
      'CORE_ERR_MODEL_ID',
      `invalid alias name "${name}": use letters, digits, '.', '_' and '-' (no '/'), starting with a letter or digit`,
    );
  }
}

/**
 * Sets (or with `target === null` removes) one alias in
 * `<cacheDir>/aliases.json`, rewriting the file atomically. Returns the new table.
 */
export async function writeAlias(
  cacheDir: string,
  name: string,
  target: string | null,
): Promise<Record<string, string>> {
  checkAliasName(name);
  if (target !== null && target.trim() === '')
    throw new ModelError('CORE_ERR_MODEL_ID', `alias "${name}" needs a target`);
  await makeDir(cacheDir);
  const table = await readAliasFile(cacheDir);
  if (target === null) delete table[name];
  else table[name] = target;
  const path = join(cacheDir, ALIAS_FILE);
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, `${JSON.stringify(table, null, 2)}\n`);
  await rename(tmp, path);
  return table;
}
