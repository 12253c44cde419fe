import type { EngineOptions, InferenceEngine } from '@inference-ts/core';
import type { FastifyBaseLogger } from 'fastify';
import type { FrontOptions } from './distributed/front.js';
import type { StreamApiOptions } from './routes/stream-api.js';
import { DEFAULT_MAX_IMAGE_PIXELS, defaultDecodeBudget, defaultRunSlots } from './scale/sizing.js';
import type { ServerActiveLearningOptions } from './services/active-learning.js';

/** How request images may be given (contract §2) and the limits that apply. */
export interface ImageInputPolicy {
  /** `{type:"url"}` images and the legacy `?image=` (default true). */
  allowUrl?: boolean;
  /** Plain http:// image URLs (default false: https only). */
  allowHttpUrls?: boolean;
  /** Image URLs resolving to private, loopback or link-local addresses (default false). */
  allowPrivateUrls?: boolean;
  /** `{type:"file"}`: paths on the server's disk (default false). */
  allowFile?: boolean;
  /** Largest encoded image, bytes (default 50 MiB). */
  maxBytes?: number;
  /** Largest decoded image, pixels (default 100 M). */
  maxPixels?: number;
  /** Most images in one request (default 32): each may decode to up to `maxPixels`. */
  maxPerRequest?: number;
  /** Total time for one image download (default 10 s). */
  urlTimeoutMs?: number;
  /** Redirects followed per download (default 5). */
  maxRedirects?: number;
}

/** Which model ids a request may name. Dataset/version ids, aliases and loaded models are always allowed. */
export interface ModelIdPolicy {
  /** Filesystem paths (absolute, relative, `.onnx` files) in request bodies (default false). */
  allowLocalPaths?: boolean;
  /** http(s) model URLs in request bodies (default false). */
  allowUrls?: boolean;
}

/** Per-model admission control: how many inferences run at once and how many may wait. */
export interface QueueOptions {
  /** Inferences of one model running at the same time (default: 2 per core, at least 4; see `defaultRunSlots`). */
  concurrency?: number;
  /**
   * Requests of one model allowed to wait for a slot; more get 429 (default
   * 4 x concurrency: a queued request starts within 4 run times).
   */
  maxQueued?: number;
}

/** The server-wide bound on decoded image pixels held in memory (all requests, all models). */
export interface DecodeBudgetOptions {
  /**
   * Decoded pixels all requests may hold at once; a request needing more gets
   * 413 (default: memory / 96, i.e. 1/32 of memory at 3 bytes a pixel, and at
   * least `images.maxPixels` so that one largest image always fits).
   */
  maxPixels?: number;
  /** How long a request waits for room before 503 + Retry-After (default 5000 ms; 0 refuses at once). */
  waitMs?: number;
}

/**
 * Everything `buildServer` accepts. Environment variables and CLI flags are
 * turned into this object at the edge (`config.ts`, the CLI), never read here.
 *
 * @example
 * const app = await buildServer({ engineOptions: { cacheDir: '/tmp/models' }, preloadModels: ['pp-ocr'] });
 * await app.listen({ port: 9001 });
 */
export interface ServerOptions {
  /** Use this engine (the caller keeps ownership: the server does not dispose it). */
  engine?: InferenceEngine;
  /** Options of the engine the server creates when `engine` is not given. */
  engineOptions?: EngineOptions;
  /** Models loaded at start; `/readiness` is 503 until they are warm. */
  preloadModels?: string[];
  /** Models loaded at start and never evicted. */
  pinnedModels?: string[];
  /** When non-empty, every request except probes, docs and metrics must carry one of these keys (401 otherwise). */
  apiKeys?: string[];
  /** Accept the key from `Authorization: Bearer` (default true; Roboflow's ALLOW_API_KEY_FROM_HEADERS). */
  allowApiKeyFromHeaders?: boolean;
  /** Allowed CORS origins; `['*']` allows all (default), `[]` disables CORS. */
  corsOrigins?: string[];
  /** Pino options or `false` (default: info level to stdout), or a ready logger. */
  logger?: boolean | { level?: string } | FastifyBaseLogger;
  /** Header carrying the correlation id (default `x-request-id`). */
  requestIdHeader?: string;
  /** Largest request body, bytes (default 64 MiB). */
  bodyLimitBytes?: number;
  /** Time limit of one inference request, including queueing (default 60 s). */
  requestTimeoutMs?: number;
  /** How long a request waits for its model to load before getting 503 + Retry-After (default 60 s). */
  modelLoadWaitMs?: number;
  /** Per-model queue. */
  queue?: QueueOptions;
  /** Server-wide decoded-pixel budget. */
  decodeBudget?: DecodeBudgetOptions;
  images?: ImageInputPolicy;
  models?: ModelIdPolicy;
  /** Serve the legacy `/{dataset_id}/{version_id}` route (default true). */
  legacyRoute?: boolean;
  /** Serve `/docs` and `/openapi.json` (default true). */
  docs?: boolean;
  /** Serve `/metrics` (default true). */
  metrics?: boolean;
  /** How long `close()` waits for in-flight requests before dropping connections (default 30 s). */
  shutdownTimeoutMs?: number;
  /** Run as the HTTP front of a scale-out: inference goes to workers through Redis (see `RedisWorker`). */
  distributed?: FrontOptions;
  /** Active learning on the v1 and legacy inference routes (off unless given; the env edge turns it on). */
  activeLearning?: ServerActiveLearningOptions;
  /**
   * Serve Roboflow's `/inference_pipelines/*` and the console at `/streams/` (ENABLE_STREAM_API)
   * through the stream manager, a separate process (spawned, or reached at `url`).
   */
  streamApi?: StreamApiOptions;
}

/** `ServerOptions` with every default filled in. */
export interface ResolvedServerOptions {
  preloadModels: string[];
  pinnedModels: string[];
  apiKeys: string[];
  allowApiKeyFromHeaders: boolean;
  corsOrigins: string[];
  requestIdHeader: string;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  modelLoadWaitMs: number;
  queue: Required<QueueOptions>;
  decodeBudget: Required<DecodeBudgetOptions>;
  images: Required<ImageInputPolicy>;
  models: Required<ModelIdPolicy>;
  legacyRoute: boolean;
  docs: boolean;
  metrics: boolean;
  shutdownTimeoutMs: number;
}

function positiveInt(name: string, v: number | undefined, fallback: number, min = 1): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min) throw new TypeError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

/** Fills defaults and checks numbers (a bad option fails at start, not on the first request). */
export function resolveServerOptions(o: ServerOptions = {}): ResolvedServerOptions {
  const img = o.images ?? {};
  const concurrency = positiveInt('queue.concurrency', o.queue?.concurrency, defaultRunSlots());
  const maxPixels = positiveInt('images.maxPixels', img.maxPixels, DEFAULT_MAX_IMAGE_PIXELS);
  return {
    preloadModels: [...(o.preloadModels ?? [])],
    pinnedModels: [...(o.pinnedModels ?? [])],
    apiKeys: (o.apiKeys ?? []).filter((k) => k.length > 0),
    allowApiKeyFromHeaders: o.allowApiKeyFromHeaders ?? true,
    corsOrigins: o.corsOrigins ?? ['*'],
    requestIdHeader: (o.requestIdHeader ?? 'x-request-id').toLowerCase(),
    bodyLimitBytes: positiveInt('bodyLimitBytes', o.bodyLimitBytes, 64 * 1024 * 1024),
    requestTimeoutMs: positiveInt('requestTimeoutMs', o.requestTimeoutMs, 60_000),
    modelLoadWaitMs: positiveInt('modelLoadWaitMs', o.modelLoadWaitMs, 60_000, 0),
    queue: {
      concurrency,
      maxQueued: positiveInt('queue.maxQueued', o.queue?.maxQueued, 4 * concurrency, 0),
    },
    decodeBudget: {
      maxPixels: positiveInt(
        'decodeBudget.maxPixels',
        o.decodeBudget?.maxPixels,
        defaultDecodeBudget(maxPixels),
      ),
      waitMs: positiveInt('decodeBudget.waitMs', o.decodeBudget?.waitMs, 5000, 0),
    },
    images: {
      allowUrl: img.allowUrl ?? true,
      allowHttpUrls: img.allowHttpUrls ?? false,
      allowPrivateUrls: img.allowPrivateUrls ?? false,
      allowFile: img.allowFile ?? false,
      maxBytes: positiveInt('images.maxBytes', img.maxBytes, 50 * 1024 * 1024),
      maxPixels,
      maxPerRequest: positiveInt('images.maxPerRequest', img.maxPerRequest, 32),
      urlTimeoutMs: positiveInt('images.urlTimeoutMs', img.urlTimeoutMs, 10_000),
      maxRedirects: positiveInt('images.maxRedirects', img.maxRedirects, 5, 0),
    },
    models: { allowLocalPaths: o.models?.allowLocalPaths ?? false, allowUrls: o.models?.allowUrls ?? false },
    legacyRoute: o.legacyRoute ?? true,
    docs: o.docs ?? true,
    metrics: o.metrics ?? true,
    shutdownTimeoutMs: positiveInt('shutdownTimeoutMs', o.shutdownTimeoutMs, 30_000, 0),
  };
}
