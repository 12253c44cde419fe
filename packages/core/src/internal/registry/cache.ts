import { createHash } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The model cache root: the option, else `MODEL_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/inference-ts`, else `~/.cache/inference-ts`. `env` is
 * what the app passes (its `process.env`); the core reads no environment.
 *
 * @example
 * resolveCacheDir('/data/models'); // -> '/data/models'
 */
export function resolveCacheDir(
  option?: string,
  env: Readonly<Record<string, string | undefined>> = {},
): string {
  if (option) return resolve(option);
  if (env.MODEL_CACHE_DIR) return resolve(env.MODEL_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return join(resolve(env.XDG_CACHE_HOME), 'inference-ts');
  return join(homedir(), '.cache', 'inference-ts');
}

/** Folder of URL models inside the cache root. */
export const URL_DIR = '_url';
/** Folder of cross-process lock files inside the cache root. */
export const LOCK_DIR = '_file_locks';
/** Written into every model folder we download, so `list()` can name it. */
export const CACHE_ENTRY_FILE = '.inference-ts-entry.json';

const SAFE_SEGMENT = /^[a-z0-9._ -]+$/;

const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Where a Roboflow model lives in the cache (contract 4.4):
 * `<root>/<dataset>/<version>` when both segments match `[a-z0-9._ -]+`
 * (lowercase), else `<root>/~<slug>-<hash>`. The hash is a sha256 prefix
 * (Roboflow uses blake2s, so hashed folders are not shared with its cache;
 * the plain layout is).
 *
 * @example
 * roboflowModelDir('/c', 'coco', '3');    // -> '/c/coco/3'
 * roboflowModelDir('/c', 'My-Set', '2');  // -> '/c/~my-set-2-<16 hex>'
 */
export function roboflowModelDir(root: string, dataset: string, version: string): string {
  const segs = [dataset, version];
  const plain = segs.every(
    (s) => SAFE_SEGMENT.test(s) && s !== '.' && s !== '..' && Buffer.byteLength(s) <= 200,
  );
  if (plain) return join(root, dataset, version);
  const id = `${dataset}/${version}`;
  const slug = id
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+/, '')
    .slice(0, 48);
  return join(root, `~${slug}-${sha256Hex(id).slice(0, 16)}`);
}

/** Where a URL model lives: `<root>/_url/<first 24 hex of sha256(url)>`. */
export function urlModelDir(root: string, url: string): string {
  return join(root, URL_DIR, sha256Hex(url).slice(0, 24));
}

/** The lock file guarding one cache folder across processes. */
export function lockPathFor(root: string, key: string): string {
  return join(root, LOCK_DIR, `${sha256Hex(key).slice(0, 32)}.lock`);
}

/** What we record about a downloaded model. */
export interface CacheEntry {
  /** Canonical id: `dataset/version` or the URL. */
  id: string;
  source: 'roboflow' | 'url';
  /** sha256 of the downloaded bytes (URL models). */
  sha256?: string;
  /** ISO time of the download. */
  createdAt: string;
}

export async function writeCacheEntry(dir: string, entry: CacheEntry): Promise<void> {
  await writeFile(join(dir, CACHE_ENTRY_FILE), `${JSON.stringify(entry, null, 2)}\n`);
}

export async function readCacheEntry(dir: string): Promise<CacheEntry | undefined> {
  try {
    const v = JSON.parse(await readFile(join(dir, CACHE_ENTRY_FILE), 'utf8')) as CacheEntry;
    return typeof v?.id === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/**
 * True when a cache folder holds a complete model: our manifest, Roboflow's
 * `weights.onnx` + `environment.json`, or (URL models) an entry file and an
 * ONNX file. Folders only appear by atomic rename, so this is a cheap check.
 */
export async function isCompleteModelDir(dir: string): Promise<boolean> {
  if (await isFile(join(dir, 'inference.json'))) return true;
  if ((await isFile(join(dir, 'weights.onnx'))) && (await isFile(join(dir, 'environment.json')))) return true;
  if (!(await isFile(join(dir, CACHE_ENTRY_FILE)))) return false;
  try {
    return (await readdir(dir)).some((n) => n.toLowerCase().endsWith('.onnx'));
  } catch {
    return false;
  }
}

/** A model found in the cache. */
export interface CachedModelInfo {
  /** `dataset/version` or the URL. */
  id: string;
  dir: string;
  source: 'roboflow' | 'url';
  /** Total size of the folder's files. */
  sizeBytes: number;
  /** When we downloaded it (unknown for folders written by other tools). */
  createdAt?: string;
}

async function folderSize(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await folderSize(p);
    else if (e.isFile()) total += (await stat(p)).size;
  }
  return total;
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * Lists complete models under a cache root: `<dataset>/<version>` folders
 * (ours or Roboflow's), hashed `~...` folders and `_url/*` folders. Partial
 * downloads (staging folders start with '.') are skipped.
 */
export async function listCachedModels(root: string): Promise<CachedModelInfo[]> {
  const out: CachedModelInfo[] = [];
  const add = async (dir: string, fallbackId: string | undefined, source: 'roboflow' | 'url') => {
    if (!(await isCompleteModelDir(dir))) return;
    const entry = await readCacheEntry(dir);
    const id = entry?.id ?? fallbackId;
    if (!id) return;
    const info: CachedModelInfo = {
      id,
      dir,
      source: entry?.source ?? source,
      sizeBytes: await folderSize(dir),
    };
    if (entry?.createdAt) info.createdAt = entry.createdAt;
    out.push(info);
  };
  for (const name of await subdirs(root)) {
    if (name === LOCK_DIR) continue;
    if (name === URL_DIR) {
      for (const h of await subdirs(join(root, URL_DIR))) await add(join(root, URL_DIR, h), undefined, 'url');
    } else if (name.startsWith('~')) {
      await add(join(root, name), undefined, 'roboflow');
    } else {
      for (const v of await subdirs(join(root, name)))
        await add(join(root, name, v), `${name}/${v}`, 'roboflow');
    }
  }
  return out;
}
