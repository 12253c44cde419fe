import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelError } from '../errors.js';
import type { KeypointSpec } from './types.js';

/** One class per line; blank lines and surrounding spaces are dropped. */
export function parseClassNames(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Generic names for `n` classes when a model ships without any: `class_0`, `class_1`, ... */
export function defaultClassNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `class_${i}`);
}

const COMMON_CLASS_FILES = ['classes.txt', 'class_names.txt', 'labels.txt'];

/**
 * Finds a class-names file beside a bare ONNX file: `<stem>.names`,
 * `<stem>.txt`, then `classes.txt`, `class_names.txt`, `labels.txt`, then the
 * only `*.names` file of the directory (e.g. `coco.names`). Returns its path.
 */
export async function findClassNamesFile(dir: string, stem?: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const present = new Set(names);
  const wanted = [...(stem ? [`${stem}.names`, `${stem}.txt`] : []), ...COMMON_CLASS_FILES];
  for (const w of wanted) if (present.has(w)) return join(dir, w);
  const dotNames = names.filter((n) => n.endsWith('.names'));
  return dotNames.length === 1 ? join(dir, dotNames[0]) : undefined;
}

/** Reads a class-names file (see {@link parseClassNames}). */
export async function readClassNamesFile(path: string): Promise<string[]> {
  return parseClassNames(await readFile(path, 'utf8'));
}

/**
 * Reads Roboflow's `keypoints_metadata.json`: a list of
 * `{object_class_id, keypoints: {"0": "nose", ...}, edges?: [{from, to}]}`.
 * Our manifest holds one skeleton, so the entry of the lowest class id is used.
 */
export function keypointsFromRoboflowMetadata(
  meta: unknown,
  source = 'keypoints_metadata.json',
): KeypointSpec | undefined {
  if (!Array.isArray(meta) || meta.length === 0) return undefined;
  const entries = meta.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
  entries.sort((a, b) => Number(a.object_class_id ?? 0) - Number(b.object_class_id ?? 0));
  const first = entries[0];
  if (!first || typeof first.keypoints !== 'object' || first.keypoints === null) {
    throw new ModelError(
      'CORE_ERR_MODEL_MANIFEST',
      `${source}: "[0].keypoints" must be an object of index -> name`,
      {
        details: { field: 'keypoints', source },
      },
    );
  }
  const kp = Object.entries(first.keypoints as Record<string, unknown>)
    .map(([k, v]) => [Number(k), String(v)] as const)
    .filter(([k]) => Number.isInteger(k) && k >= 0);
  const n = kp.length === 0 ? 0 : Math.max(...kp.map(([k]) => k)) + 1;
  const names = defaultClassNames(n).map((_, i) => `keypoint_${i}`);
  for (const [k, v] of kp) names[k] = v;
  const spec: KeypointSpec = { names };
  if (Array.isArray(first.edges)) {
    const skeleton: [number, number][] = [];
    for (const e of first.edges) {
      const from = Number((e as Record<string, unknown>)?.from);
      const to = Number((e as Record<string, unknown>)?.to);
      if (Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to >= 0 && from < n && to < n)
        skeleton.push([from, to]);
    }
    if (skeleton.length > 0) spec.skeleton = skeleton;
  }
  return spec;
}
