import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelError } from '../errors.js';

/** What a model id string names, by syntax alone (nothing is looked up). */
export type ModelSpecifier =
  /** An explicit filesystem path (absolute, `./`, `../`, `~/`, or ending in `.onnx`), made absolute. */
  | { kind: 'path'; path: string }
  /** An http(s) URL; `sha256` from a `#sha256=<hex>` fragment, which is not part of `url`. */
  | { kind: 'url'; url: string; sha256?: string }
  /** A Roboflow `dataset/version` id. `core` marks Roboflow core-model prefixes (clip, sam, ...). */
  | { kind: 'roboflow'; id: string; dataset: string; version: string; core: boolean }
  /** A single token without `/`: an alias, or a relative path, or nothing. */
  | { kind: 'name'; name: string };

/** Roboflow's core-model dataset prefixes, whose version need not be an integer (contract 4.1). */
export const CORE_MODEL_PREFIXES: ReadonlySet<string> = new Set([
  'clip',
  'easy_ocr',
  'doctr',
  'doctr_rec',
  'doctr_det',
  'gaze',
  'grounding_dino',
  'sam',
  'sam2',
  'sam3',
  'owlv2',
  'trocr',
  'pp_ocr',
  'yolo_world',
  'smolvlm2',
  'moondream2',
  'depth-anything-v2',
  'depth-anything-v3',
  'perception_encoder',
  'sam3-3d-objects',
]);

const bad = (id: string, why: string): ModelError =>
  new ModelError('CORE_ERR_MODEL_ID', `Invalid Model ID "${id}": ${why}`, { details: { modelId: id } });

/** True for strings that can only be a filesystem path. */
export function isPathLike(id: string): boolean {
  return (
    id.startsWith('/') ||
    id.startsWith('./') ||
    id.startsWith('../') ||
    id === '.' ||
    id === '..' ||
    id === '~' ||
    id.startsWith('~/') ||
    id.startsWith('file:') ||
    id.includes('\\') ||
    /^[A-Za-z]:/.test(id) ||
    /\.onnx$/i.test(id)
  );
}

/** Makes a path-like id absolute (`~` is the home directory; `file:` URLs are accepted). */
export function toAbsolutePath(id: string): string {
  if (id.startsWith('file:')) return fileURLToPath(id);
  if (id === '~' || id.startsWith('~/')) return resolve(homedir(), id.slice(2));
  return resolve(id);
}

/**
 * Splits an http(s) model URL from its optional `#sha256=<hex>` fragment.
 * Other schemes are refused (CORE_ERR_MODEL_ID).
 *
 * @example
 * parseModelUrl('https://x.org/m.onnx#sha256=ab12...'); // -> { url: 'https://x.org/m.onnx', sha256: 'ab12...' }
 */
export function parseModelUrl(raw: string): { url: string; sha256?: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch (cause) {
    throw new ModelError('CORE_ERR_MODEL_ID', `Invalid model URL "${raw}"`, { cause });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw bad(raw, `unsupported URL scheme ${u.protocol}`);
  let sha256: string | undefined;
  const m = /^#sha256=([0-9a-fA-F]{64})$/.exec(u.hash);
  if (u.hash && !m) throw bad(raw, 'the URL fragment may only be #sha256=<64 hex digits>');
  if (m) sha256 = m[1].toLowerCase();
  u.hash = '';
  return sha256 ? { url: u.toString(), sha256 } : { url: u.toString() };
}

/**
 * Classifies a model id by syntax (contract 4.1): URLs, explicit paths,
 * `dataset/version`, or a single name (alias). More than one `/` outside a
 * path or URL, empty/`.`/`..` segments, and non-integer versions (except
 * core-model prefixes) throw CORE_ERR_MODEL_ID.
 *
 * @example
 * parseModelId('coco/3');      // -> { kind: 'roboflow', id: 'coco/3', dataset: 'coco', version: '3', core: false }
 * parseModelId('yolov8n-640'); // -> { kind: 'name', name: 'yolov8n-640' }
 * parseModelId('a/b/c');       // throws CORE_ERR_MODEL_ID
 */
export function parseModelId(id: string): ModelSpecifier {
  if (typeof id !== 'string' || id.trim() === '') throw bad(String(id), 'empty');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(id)) throw bad(id, 'control characters');
  if (/^https?:\/\//i.test(id)) return { kind: 'url', ...parseModelUrl(id) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(id) && !id.startsWith('file:')) throw bad(id, 'unsupported URL scheme');
  if (isPathLike(id)) return { kind: 'path', path: toAbsolutePath(id) };
  const parts = id.split('/');
  if (parts.length === 1) return { kind: 'name', name: id };
  if (parts.length > 2) throw bad(id, 'expected "dataset/version" (more than one "/")');
  const [dataset, version] = parts;
  for (const seg of parts) {
    if (seg === '' || seg === '.' || seg === '..' || seg.trim() !== seg)
      throw bad(id, `bad segment "${seg}"`);
  }
  const core = CORE_MODEL_PREFIXES.has(dataset);
  if (!core && !/^\d+$/.test(version)) throw bad(id, `the version "${version}" must be an integer`);
  return { kind: 'roboflow', id, dataset, version, core };
}
