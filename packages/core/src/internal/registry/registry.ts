import { rm, stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { InferenceError, ModelError } from '../errors.js';
import { readModelDir } from '../manifest/read.js';
import type { ModelManifest } from '../manifest/types.js';
import { BUILTIN_ALIASES, readAliasFile, writeAlias } from './aliases.js';
import {
  type CachedModelInfo,
  isCompleteModelDir,
  listCachedModels,
  lockPathFor,
  readCacheEntry,
  resolveCacheDir,
  roboflowModelDir,
  urlModelDir,
  writeCacheEntry,
} from './cache.js';
import type { FetchLike } from './download.js';
import { guardedFetch } from './guarded-fetch.js';
import { withFileLock } from './lock.js';
import {
  CORE_MODEL_PREFIXES,
  isPathLike,
  type ModelSpecifier,
  parseModelId,
  toAbsolutePath,
} from './model-id.js';
import { downloadRoboflowModel, resolveApiBaseUrl } from './roboflow-api.js';
import { downloadUrlModel, publishDir, stagingDirFor } from './url-model.js';

/** Where a resolved model came from: a local path, a fresh URL or Roboflow download, or the cache. */
export type ModelSource = 'local' | 'url' | 'roboflow' | 'cache';

/** A model found on disk and ready to load. */
export interface ResolvedModel {
  /** Canonical id: `dataset/version`, the URL (without fragment) or the absolute local path. */
  id: string;
  /** The alias the caller used, if any. */
  alias?: string;
  /** Absolute model directory. */
  dir: string;
  /** Absolute weights path. */
  weightsPath: string;
  manifest: ModelManifest;
  source: ModelSource;
}

export interface ModelRegistryOptions {
  /** Cache root (default: `env.MODEL_CACHE_DIR`, else `env.XDG_CACHE_HOME`/inference-ts, else ~/.cache/inference-ts). */
  cacheDir?: string;
  /**
   * Environment the defaults come from (MODEL_CACHE_DIR, XDG_CACHE_HOME,
   * API_BASE_URL, and ORT_LOG_LEVEL through the engine). The core never reads
   * `process.env` itself: apps pass it here (`env: process.env`); absent means
   * no variable applies.
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Roboflow API key used when a request brings none. */
  apiKey?: string;
  /** Roboflow API root (default: `env.API_BASE_URL`, else https://api.roboflow.com). */
  apiBaseUrl?: string;
  /** Extra aliases; they win over `aliases.json` and the built-in table. */
  aliases?: Record<string, string>;
  /** Allow plain-http model URLs and downloads (default false). */
  allowHttp?: boolean;
  /**
   * Allow model URLs on private, loopback and link-local addresses (default
   * true; a server taking model URLs from requests turns it off).
   */
  allowPrivateUrls?: boolean;
  fetch?: FetchLike;
  /** Byte limit of one downloaded file (default 2 GiB). */
  maxDownloadBytes?: number;
  /** Inactivity timeout of downloads (default 60 s). */
  downloadTimeoutMs?: number;
  /** Timeout of one Roboflow API call (default 20 s). */
  apiTimeoutMs?: number;
  /** `device=` sent to the Roboflow API. */
  deviceId?: string;
}

export interface ResolveOptions {
  /** Roboflow API key for this request (wins over the registry's). */
  apiKey?: string;
}

/**
 * `parseModelId` for a target that is not an existing path. An id that
 * cannot be a `dataset/version` (several `/`, a non-integer version) and has
 * no URL scheme was meant as a relative folder: it is reported as a path
 * that does not exist, not as a malformed Roboflow id.
 */
function parseLocalOrRemoteId(target: string, requested: string): ModelSpecifier {
  try {
    return parseModelId(target);
  } catch (e) {
    const pathLike =
      target.includes('/') &&
      !/^[a-z][a-z0-9+.-]*:/i.test(target) &&
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters stay a bad id
      !/[\u0000-\u001f\u007f]/.test(target);
    if (!pathLike || (e as { code?: string }).code !== 'CORE_ERR_MODEL_ID') throw e;
    throw new ModelError(
      'CORE_ERR_MODEL_NOT_FOUND',
      `no model file or folder at ${resolvePath(target)} (and "${target}" is not a dataset/version id: ${(e as Error).message.replace(/^Invalid Model ID "[^"]*": /, '')})`,
      { cause: e, details: { modelId: requested } },
    );
  }
}

/** `dataset/<integer>` (or a core-model `prefix/anything`): always a Roboflow id, never a relative folder. */
function isDatasetVersionForm(target: string): boolean {
  const m = /^([^/]+)\/([^/]+)$/.exec(target);
  return !!m && (/^\d+$/.test(m[2]) || CORE_MODEL_PREFIXES.has(m[1]));
}

/** The same error, saying which alias the user typed and what it stands for. */
function explainAlias(e: unknown, alias: string, target: string): unknown {
  if (!(e instanceof InferenceError)) return e;
  return new ModelError(e.code, `"${alias}" is an alias of ${target}: ${e.message}`, {
    cause: e,
    details: { ...e.details, alias },
  });
}

/** A dataset/version id with its cache folder. */
type RemoteTarget =
  | { kind: 'roboflow'; id: string; dataset: string; version: string; dir: string }
  | { kind: 'url'; id: string; sha256?: string; dir: string };

/**
 * Finds models and makes sure they are on disk. Resolution order: alias ->
 * existing local path (folder or `.onnx`) -> http(s) URL -> `dataset/version`
 * in the cache (offline, no key needed) -> Roboflow API download.
 *
 * `dataset/version` strings are never read as relative paths; write
 * `./models/3` to mean a folder.
 *
 * @example
 * const registry = new ModelRegistry({ cacheDir: '/tmp/models', apiKey: 'KEY' });
 * const m = await registry.resolve('yolov8n-640');
 * m.id;     // -> 'coco/3'
 * m.source; // -> 'roboflow' the first time, 'cache' afterwards
 */
export class ModelRegistry {
  readonly cacheDir: string;
  readonly #opts: ModelRegistryOptions;
  readonly #apiBaseUrl: string;
  readonly #inFlight = new Map<string, Promise<ResolvedModel>>();

  constructor(opts: ModelRegistryOptions = {}) {
    this.#opts = opts;
    this.cacheDir = resolveCacheDir(opts.cacheDir, opts.env);
    this.#apiBaseUrl = resolveApiBaseUrl(opts.apiBaseUrl, opts.env);
  }

  /** Built-in aliases, overlaid by `aliases.json` in the cache folder, overlaid by the `aliases` option. */
  async aliases(): Promise<Record<string, string>> {
    return { ...BUILTIN_ALIASES, ...(await readAliasFile(this.cacheDir)), ...this.#opts.aliases };
  }

  /**
   * Saves an alias in `<cacheDir>/aliases.json` (or removes it when `target` is null).
   * The target may be a `dataset/version`, a local path or a URL.
   */
  async setAlias(name: string, target: string | null): Promise<void> {
    await writeAlias(this.cacheDir, name, target);
  }

  /** Finds the model, downloading it when needed (once, however many ask at the same time). */
  async resolve(id: string, opts: ResolveOptions = {}): Promise<ResolvedModel> {
    return this.#resolve(id, opts, false);
  }

  /** Like `resolve`; with `force` a cached download is fetched again. */
  async pull(id: string, opts: ResolveOptions & { force?: boolean } = {}): Promise<ResolvedModel> {
    return this.#resolve(id, opts, opts.force ?? false);
  }

  /** Complete models in the cache. */
  list(): Promise<CachedModelInfo[]> {
    return listCachedModels(this.cacheDir);
  }

  /** Deletes a cached model (by id, alias or URL). Returns false when it was not cached; local paths are never deleted. */
  async remove(id: string): Promise<boolean> {
    const { target } = await this.#dealias(id);
    if (await this.#localPath(target)) return false;
    const remote = this.#remoteTarget(parseModelId(target));
    if (!remote || !(await isCompleteModelDir(remote.dir))) return false;
    await withFileLock(lockPathFor(this.cacheDir, remote.dir), () =>
      rm(remote.dir, { recursive: true, force: true }),
    );
    return true;
  }

  async #dealias(id: string): Promise<{ target: string; alias?: string }> {
    const table = await this.aliases();
    // One level only: an alias naming another alias would be a loop risk for no gain.
    return Object.hasOwn(table, id) ? { target: table[id], alias: id } : { target: id };
  }

  /** The absolute path when `target` names an existing file or folder. */
  async #localPath(target: string): Promise<string | undefined> {
    let candidate: string;
    if (isPathLike(target)) candidate = toAbsolutePath(target);
    else if (isDatasetVersionForm(target) || /^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return undefined;
    else candidate = resolvePath(target);
    try {
      await stat(candidate);
      return candidate;
    } catch {
      return undefined;
    }
  }

  #remoteTarget(spec: ModelSpecifier): RemoteTarget | undefined {
    if (spec.kind === 'url') {
      const t: RemoteTarget = { kind: 'url', id: spec.url, dir: urlModelDir(this.cacheDir, spec.url) };
      if (spec.sha256) t.sha256 = spec.sha256;
      return t;
    }
    if (spec.kind === 'roboflow') {
      return {
        kind: 'roboflow',
        id: spec.id,
        dataset: spec.dataset,
        version: spec.version,
        dir: roboflowModelDir(this.cacheDir, spec.dataset, spec.version),
      };
    }
    return undefined;
  }

  async #resolve(id: string, opts: ResolveOptions, force: boolean): Promise<ResolvedModel> {
    const { target, alias } = await this.#dealias(id);
    const withAlias = (r: ResolvedModel): ResolvedModel => (alias ? { ...r, alias } : r);

    const local = await this.#localPath(target);
    if (local) {
      const m = await readModelDir(local);
      return withAlias({
        id: local,
        dir: m.dir,
        weightsPath: m.weightsPath,
        manifest: m.manifest,
        source: 'local',
      });
    }

    const spec = parseLocalOrRemoteId(target, id);
    if (spec.kind === 'path') {
      throw new ModelError('CORE_ERR_MODEL_NOT_FOUND', `no model file or folder at ${spec.path}`, {
        details: { modelId: id },
      });
    }
    if (spec.kind === 'name') {
      throw new ModelError(
        'CORE_ERR_MODEL_NOT_FOUND',
        `unknown model "${target}": not an alias, a URL or a dataset/version id, and there is no file or folder at ${resolvePath(target)}`,
        { details: { modelId: id } },
      );
    }
    if (spec.kind === 'roboflow' && spec.core) {
      throw new ModelError(
        'CORE_ERR_MODEL_NOT_FOUND',
        `Roboflow core model "${target}" is not available in inference-ts`,
        {
          details: { modelId: id },
        },
      );
    }
    const remote = this.#remoteTarget(spec);
    if (!remote) throw new ModelError('CORE_ERR_MODEL_ID', `Invalid Model ID "${id}"`);

    const key = remote.dir;
    let p = this.#inFlight.get(key);
    if (!p) {
      p = this.#fetchRemote(remote, opts, force).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, p);
    }
    try {
      return withAlias(await p);
    } catch (e) {
      throw alias ? explainAlias(e, alias, target) : e;
    }
  }

  async #cached(remote: RemoteTarget): Promise<ResolvedModel | undefined> {
    if (!(await isCompleteModelDir(remote.dir))) return undefined;
    if (remote.kind === 'url' && remote.sha256) {
      // The cached copy was checked against the hash it was fetched with; a different hash means a different model.
      const entry = await readCacheEntry(remote.dir);
      if (entry?.sha256 !== remote.sha256) return undefined;
    }
    const m = await readModelDir(remote.dir);
    return { id: remote.id, dir: m.dir, weightsPath: m.weightsPath, manifest: m.manifest, source: 'cache' };
  }

  async #fetchRemote(remote: RemoteTarget, opts: ResolveOptions, force: boolean): Promise<ResolvedModel> {
    if (!force) {
      const hit = await this.#cached(remote);
      if (hit) return hit;
    }
    const apiKey = opts.apiKey ?? this.#opts.apiKey;
    if (remote.kind === 'roboflow' && !apiKey) {
      throw new ModelError(
        'CORE_ERR_API_KEY_MISSING',
        `model ${remote.id} is not cached and no Roboflow API key was given to download it`,
        { details: { modelId: remote.id } },
      );
    }
    return withFileLock(lockPathFor(this.cacheDir, remote.dir), async () => {
      // Another process may have finished while we waited for the lock.
      if (!force) {
        const hit = await this.#cached(remote);
        if (hit) return hit;
      }
      const download = {
        allowHttp: this.#opts.allowHttp,
        fetch: this.#opts.fetch,
        maxBytes: this.#opts.maxDownloadBytes,
        timeoutMs: this.#opts.downloadTimeoutMs,
      };
      if (remote.kind === 'url') {
        const fetch = this.#opts.allowPrivateUrls === false ? guardedFetch() : download.fetch;
        await downloadUrlModel(remote.id, remote.dir, { ...download, fetch, sha256: remote.sha256 });
      } else {
        const staging = stagingDirFor(remote.dir);
        try {
          await downloadRoboflowModel(remote.dataset, remote.version, staging, {
            apiBaseUrl: this.#apiBaseUrl,
            apiKey,
            fetch: this.#opts.fetch,
            timeoutMs: this.#opts.apiTimeoutMs,
            deviceId: this.#opts.deviceId,
            download,
          });
          await writeCacheEntry(staging, {
            id: remote.id,
            source: 'roboflow',
            createdAt: new Date().toISOString(),
          });
          // Whatever is there (stale, partial, or a forced refresh) is replaced only once the new copy is complete.
          await rm(remote.dir, { recursive: true, force: true });
          await publishDir(staging, remote.dir);
        } finally {
          await rm(staging, { recursive: true, force: true });
        }
      }
      const m = await readModelDir(remote.dir);
      return {
        id: remote.id,
        dir: m.dir,
        weightsPath: m.weightsPath,
        manifest: m.manifest,
        source: remote.kind,
      };
    });
  }
}
