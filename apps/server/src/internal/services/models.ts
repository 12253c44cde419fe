import { isAbsolute, resolve } from 'node:path';
import {
  type InferenceEngine,
  isBuiltinOcrId,
  type ModelDescription,
  ModelError,
  type ModelLease,
  settleWithin,
  type VisionModel,
} from '@inference-ts/core';
import { parseModelId } from '@inference-ts/core/registry';
import type { WireModelDescription, WireModelsDescriptions } from '@inference-ts/sdk/wire';
import { isModelFileFault } from '../error-mapper.js';
import { ServerError } from '../errors.js';
import type { ResolvedServerOptions } from '../options.js';

/** `dataset/version` (what Roboflow clients and the SDK de-alias to). */
const DATASET_VERSION_RE = /^[^/\\]+\/[^/\\]+$/;
/** How an operator turns local model paths on: every refusal names both ways. */
const LOCAL_PATHS_HINT = 'start the server with --allow-local-model-paths or ALLOW_LOCAL_MODEL_PATHS=true';

/** Logs the model service needs (a pino/fastify logger fits). */
export interface ModelLog {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The server's view of the engine: which ids a request may name (policy),
 * the key each id is loaded under, loading with a bounded wait (503 +
 * Retry-After beyond it), preloading/pinning, readiness, and the
 * `/model/registry` listing.
 */
/** Back-off of preload retries: 5 s, doubling, at most a minute apart. */
const PRELOAD_RETRY_FIRST_MS = 5_000;
const PRELOAD_RETRY_MAX_MS = 60_000;

export class ModelService {
  readonly engine: InferenceEngine;
  readonly #opts: ResolvedServerOptions;
  readonly #log: ModelLog;
  #aliases: Record<string, string> = {};
  /** Key -> what the model looked like when last handed out, and the ids requests used for it. */
  readonly #known = new Map<string, { description: ModelDescription; aliases: Set<string> }>();
  #preloading = new Set<string>();
  /** Keys of the models the operator configured (preloaded, pinned). */
  readonly #operatorKeys = new Set<string>();
  #preloadFailed = new Set<string>();
  #closed = false;
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #started = false;

  constructor(engine: InferenceEngine, options: ResolvedServerOptions, log: ModelLog) {
    this.engine = engine;
    this.#opts = options;
    this.#log = log;
  }

  /** Re-reads the alias table (built-ins, `aliases.json` in the cache, operator aliases). */
  async refreshAliases(): Promise<void> {
    this.#aliases = await this.engine.registry.aliases();
  }

  /**
   * True for models the operator configured (preloaded, pinned, or named by an
   * alias): their failure to load is the server's fault (5xx), while a model
   * file a request named itself that cannot load is the request's (4xx).
   */
  isOperatorModel(key: string): boolean {
    return (
      this.#operatorKeys.has(key) ||
      Object.hasOwn(this.#aliases, key) ||
      Object.values(this.#aliases).includes(key)
    );
  }

  /** A load failure as the request should see it (see `isOperatorModel`). */
  #asRequestError(key: string, requestedId: string, error: unknown): unknown {
    const code = (error as { code?: string })?.code;
    if (!isModelFileFault(code) || this.isOperatorModel(key)) return error;
    return new ServerError(
      'SERVER_ERR_MODEL_INVALID',
      `The model "${requestedId}" cannot be loaded: ${(error as Error).message}`,
      { cause: error },
    );
  }

  /** True once preloading started and every preloaded/pinned model is loaded. */
  get ready(): boolean {
    return this.#started && this.#preloading.size === 0 && this.#preloadFailed.size === 0;
  }

  /**
   * The key a request's model id is loaded under, after the policy check.
   * Aliases of `dataset/version` ids become that id (the SDK de-aliases the same way);
   * aliases of paths or URLs keep the alias name; local paths become absolute.
   */
  keyFor(id: string): string {
    if (typeof id !== 'string' || id.trim() === '') {
      throw new ModelError('CORE_ERR_MODEL_ID', 'Invalid Model ID sent in request: the id is empty');
    }
    if (isBuiltinOcrId(id)) return 'pp-ocr';
    if (Object.hasOwn(this.#aliases, id)) {
      const target = this.#aliases[id];
      return DATASET_VERSION_RE.test(target) && !/^[a-z][a-z0-9+.-]*:/i.test(target) ? target : id;
    }
    if (this.#known.has(id) && this.engine.isLoaded(id)) return id;
    const spec = parseModelId(id);
    switch (spec.kind) {
      case 'roboflow':
        return spec.id;
      case 'url':
        if (!this.#opts.models.allowUrls) {
          throw new ServerError(
            'SERVER_ERR_MODEL_ID_REFUSED',
            'Model URLs are not allowed on this server (start it with --allow-model-urls or ALLOW_MODEL_URLS=true).',
          );
        }
        return id;
      case 'path':
        if (!this.#opts.models.allowLocalPaths) {
          throw new ServerError(
            'SERVER_ERR_MODEL_ID_REFUSED',
            `Local model paths are not allowed on this server (${LOCAL_PATHS_HINT}).`,
          );
        }
        return spec.path;
      case 'name':
        // Not an alias: only a relative path could be meant.
        if (this.#opts.models.allowLocalPaths) return isAbsolute(id) ? id : resolve(id);
        throw new ModelError(
          'CORE_ERR_MODEL_NOT_FOUND',
          `Unknown model "${id}": not an alias or a dataset/version id (a local model folder needs ${LOCAL_PATHS_HINT})`,
        );
    }
  }

  /**
   * Holds the model for one request, loading it if needed. Waits at most
   * `waitMs` for a load; beyond that the load goes on in the background and
   * the request gets 503 with Retry-After.
   */
  async lease(
    key: string,
    requestedId: string,
    apiKey?: string,
    waitMs = this.#opts.modelLoadWaitMs,
  ): Promise<ModelLease<VisionModel>> {
    const pending = this.engine.acquire(key, { apiKey }).catch((e: unknown) => {
      throw this.#asRequestError(key, requestedId, e);
    });
    let lease: ModelLease<VisionModel>;
    if (this.engine.isLoaded(key)) {
      lease = await pending;
    } else {
      const first = await settleWithin(pending, waitMs);
      if (first.kind !== 'value') {
        // Keep nothing held once the background load lands; a failed load is logged by the engine hook.
        pending.then(
          (l) => l.release(),
          () => undefined,
        );
        throw new ServerError(
          'SERVER_ERR_MODEL_NOT_READY',
          `Model ${key} is temporarily not ready - retry request.`,
          {
            retryAfter: 1,
          },
        );
      }
      lease = first.value;
    }
    this.#remember(key, requestedId, lease.model);
    return lease;
  }

  /** `/model/add`: load (waiting for the load however long it takes) and remember the id. */
  async add(id: string, apiKey?: string): Promise<void> {
    await this.refreshAliases();
    const key = this.keyFor(id);
    const lease = await this.engine.acquire(key, { apiKey }).catch((e: unknown) => {
      throw this.#asRequestError(key, id, e);
    });
    this.#remember(key, id, lease.model);
    lease.release();
  }

  /** `/model/remove`: unknown ids are a silent success, as in Roboflow. */
  async remove(id: string): Promise<void> {
    let key: string;
    try {
      key = this.keyFor(id);
    } catch {
      return;
    }
    await this.engine.unload(key);
    this.#known.delete(key);
  }

  async clear(): Promise<void> {
    await this.engine.clear();
    this.#known.clear();
  }

  /** Starts loading preloaded and pinned models in the background; `ready` turns true when all are warm. */
  startPreload(onLoaded?: (key: string, ms: number) => void): void {
    this.#started = true;
    const pinned = new Set(this.#opts.pinnedModels);
    for (const id of new Set([...this.#opts.preloadModels, ...this.#opts.pinnedModels])) {
      let key: string;
      try {
        // Operator configuration may name any kind of id, whatever the request policy says.
        key = isBuiltinOcrId(id)
          ? 'pp-ocr'
          : Object.hasOwn(this.#aliases, id)
            ? this.keyFor(id)
            : this.#operatorKey(id);
      } catch (error) {
        this.#preloadFailed.add(id);
        this.#log.error({ model: id, err: error }, 'cannot preload model');
        continue;
      }
      this.#operatorKeys.add(key);
      this.#preloadOne(key, id, pinned.has(id), onLoaded, 0);
    }
  }

  /** Stop retrying failed preloads (the server is closing). */
  stopPreloading(): void {
    this.#closed = true;
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
  }

  /**
   * Load one configured model; a failure (the API briefly unreachable, ...)
   * is retried with back-off, so readiness recovers without a restart.
   */
  #preloadOne(
    key: string,
    id: string,
    pin: boolean,
    onLoaded: ((key: string, ms: number) => void) | undefined,
    attempt: number,
  ): void {
    if (this.#closed) return;
    this.#preloading.add(key);
    const t0 = performance.now();
    const load = pin ? this.engine.pin(key) : this.engine.getModel(key);
    load.then(
      (model) => {
        this.#remember(key, id, model);
        this.#preloading.delete(key);
        onLoaded?.(key, performance.now() - t0);
        this.#log.info({ model: key, ms: Math.round(performance.now() - t0), pinned: pin }, 'model ready');
      },
      (error: unknown) => {
        this.#preloading.delete(key);
        this.#preloadFailed.add(key);
        const delayMs = Math.min(PRELOAD_RETRY_MAX_MS, PRELOAD_RETRY_FIRST_MS * 2 ** attempt);
        this.#log.error({ model: key, err: error, retryInMs: delayMs }, 'preloading the model failed');
        if (this.#closed) return;
        const timer = setTimeout(() => {
          this.#retryTimers.delete(timer);
          this.#preloadOne(key, id, pin, onLoaded, attempt + 1);
        }, delayMs);
        timer.unref();
        this.#retryTimers.add(timer);
      },
    );
  }

  #operatorKey(id: string): string {
    const spec = parseModelId(id);
    if (spec.kind === 'path') return spec.path;
    if (spec.kind === 'name') return resolve(id);
    return id;
  }

  #remember(key: string, requestedId: string, model: VisionModel): void {
    // a preload that failed (e.g. the API was briefly unreachable) no longer blocks readiness once it loads
    this.#preloadFailed.delete(key);
    this.#preloadFailed.delete(requestedId);
    let k = this.#known.get(key);
    if (!k) {
      k = { description: model.describe(), aliases: new Set() };
      this.#known.set(key, k);
    }
    if (requestedId !== key) k.aliases.add(requestedId);
  }

  /** Keys of loaded models, in the order they were first served. */
  loadedKeys(): string[] {
    return [...this.#known.keys()].filter((k) => this.engine.isLoaded(k));
  }

  /** The `/model/registry` body (Roboflow's `ModelsDescriptions`; GPU fields are null on CPU). */
  describeAll(): WireModelsDescriptions {
    const models: WireModelDescription[] = [];
    for (const key of this.loadedKeys()) {
      const k = this.#known.get(key);
      if (!k) continue;
      const d = k.description;
      models.push({
        model_id: key,
        task_type: d.task,
        batch_size: d.batchSize === 'dynamic' ? null : d.batchSize,
        input_height: d.inputHeight,
        input_width: d.inputWidth,
        vram_bytes: null,
        request_aliases: [...k.aliases],
        request_paths: [],
      });
    }
    return {
      models,
      total_vram_bytes: null,
      gpu_memory_used: null,
      gpu_memory_total: null,
      torch_cuda_allocated: null,
      torch_cuda_reserved: null,
      torch_cuda_allocator_cache: null,
      non_torch_gpu_memory: null,
    };
  }
}
