import { activeLearningOptionsFromEnv } from '@inference-ts/active-learning';
import type { ExecutionProvider } from '@inference-ts/core';
import { apiKeysFromEnv } from './api-keys-file.js';
import { redisUrlFrom } from './distributed/redis.js';
import type { ServerOptions } from './options.js';
import { coreShare } from './scale/sizing.js';

/** Where to listen plus the server options: what the environment (or CLI flags) describe. */
export interface ServerConfig {
  host: string;
  port: number;
  options: ServerOptions;
}

type Env = Record<string, string | undefined>;

function list(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  // Roboflow writes some lists as "[a,b]"; accept both spellings.
  return v
    .replace(/^\s*\[|\]\s*$/g, '')
    .split(',')
    .map((s) => s.trim().replace(/^["']|["']$/g, ''))
    .filter(Boolean);
}

function bool(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  throw new TypeError(`${name} must be true or false, got "${v}"`);
}

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new TypeError(`${name} must be an integer, got "${v}"`);
  return n;
}

/** ONNXRUNTIME_EXECUTION_PROVIDERS accepts ORT names (CUDAExecutionProvider) or ours (cuda). */
function providers(v: string | undefined): ExecutionProvider[] | undefined {
  const names = list(v);
  if (!names) return undefined;
  return names.map((n) => n.replace(/ExecutionProvider$/i, '').toLowerCase() as ExecutionProvider);
}

/** `a=b,c=d` or a JSON object. */
function aliases(v: string | undefined): Record<string, string> | undefined {
  if (!v) return undefined;
  if (v.trim().startsWith('{')) return JSON.parse(v) as Record<string, string>;
  return Object.fromEntries(
    v.split(',').map((pair) => {
      const i = pair.indexOf('=');
      if (i <= 0) throw new TypeError(`MODEL_ALIASES entries must be name=target, got "${pair}"`);
      return [pair.slice(0, i).trim(), pair.slice(i + 1).trim()];
    }),
  );
}

/** A worker's settings: REDIS_URL or REDIS_HOST/REDIS_PORT, WORKER_MODELS (comma list), WORKER_CLAIM_TIMEOUT_MS. */
export function workerFromEnv(env: Env = process.env): {
  url: string | undefined;
  models: string[];
  claimTimeoutMs?: number;
} {
  return {
    url: redisUrlFrom(undefined, env),
    models: list(env.WORKER_MODELS) ?? [],
    claimTimeoutMs: int('WORKER_CLAIM_TIMEOUT_MS', env.WORKER_CLAIM_TIMEOUT_MS),
  };
}

/**
 * INFERENCE_FRONT=true makes the server the HTTP front of a scale-out on the
 * Redis of REDIS_URL or REDIS_HOST[/REDIS_PORT] (REDIS_HOST alone does not:
 * Roboflow sets it for shared caches and limits too); QUEUE_MAX_BACKLOG bounds each model's stream.
 */
export function frontFromEnv(env: Env): { url: string; maxBacklog?: number } | undefined {
  if (!bool('INFERENCE_FRONT', env.INFERENCE_FRONT)) return undefined;
  const url = redisUrlFrom(undefined, env);
  if (!url) throw new TypeError('INFERENCE_FRONT needs REDIS_URL or REDIS_HOST');
  return { url, maxBacklog: int('QUEUE_MAX_BACKLOG', env.QUEUE_MAX_BACKLOG) };
}

/**
 * MODEL_BATCHING (on/off; default on only with a GPU provider, where batching
 * is the point; on CPU per-core sessions served more, see docs/architecture.md),
 * MAX_BATCH_SIZE (rows per session call, default 32 on GPU, 8 on CPU), BATCH_WINDOW_MS (default 0).
 */
export function batchingFromEnv(env: Env): { maxBatch: number; windowMs?: number } | undefined {
  const gpu = (providers(env.ONNXRUNTIME_EXECUTION_PROVIDERS) ?? []).some(
    (p) => p === 'cuda' || p === 'tensorrt',
  );
  const on = bool('MODEL_BATCHING', env.MODEL_BATCHING) ?? gpu;
  if (!on) return undefined;
  return {
    maxBatch: int('MAX_BATCH_SIZE', env.MAX_BATCH_SIZE) ?? (gpu ? 32 : 8),
    windowMs: int('BATCH_WINDOW_MS', env.BATCH_WINDOW_MS),
  };
}

/**
 * Reads the server configuration from environment variables, using
 * Roboflow's names where they exist (PORT, HOST, MODEL_CACHE_DIR,
 * ROBOFLOW_API_KEY/API_KEY, API_BASE_URL, MAX_ACTIVE_MODELS, PRELOAD_MODELS,
 * PINNED_MODELS, ALLOW_ORIGINS, ALLOW_URL_INPUT, ALLOW_NON_HTTPS_URL_INPUT,
 * ALLOW_LOADING_IMAGES_FROM_LOCAL_FILESYSTEM, MAX_IMAGE_URL_REDIRECTS,
 * ALLOW_API_KEY_FROM_HEADERS, CORRELATION_ID_HEADER, LEGACY_ROUTE_ENABLED,
 * METRICS_ENABLED, ONNXRUNTIME_EXECUTION_PROVIDERS, LOG_LEVEL). Ours:
 * SERVER_API_KEYS, SERVER_API_KEYS_FILE, ALLOW_PRIVATE_URL_INPUT, IMAGE_URL_TIMEOUT_MS,
 * MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, MAX_BODY_BYTES, REQUEST_TIMEOUT_MS,
 * MODEL_LOAD_WAIT_MS, MODEL_CONCURRENCY, MODEL_QUEUE_SIZE, MAX_DECODED_PIXELS, DECODE_WAIT_MS, ORT_THREADS, ORT_SESSIONS, ORT_CORES,
 * ALLOW_LOCAL_MODEL_PATHS, ALLOW_MODEL_URLS, MODEL_ALIASES, DOCS_ENABLED,
 * SHUTDOWN_TIMEOUT_MS, ENABLE_STREAM_API (+ STREAM_MANAGER_PORT/HOST, or STREAM_MANAGER_URL
 * for a manager started elsewhere), ACTIVE_LEARNING_ENABLED (default true) and the ACTIVE_LEARNING_*
 * variables of `activeLearningOptionsFromEnv`. Unset variables leave the defaults.
 *
 * @example
 * const { host, port, options } = optionsFromEnv({ PORT: '9002', PRELOAD_MODELS: 'pp-ocr' });
 */
export function optionsFromEnv(env: Env = process.env): ServerConfig {
  const origins = env.ALLOW_ORIGINS;
  const options: ServerOptions = {
    engineOptions: {
      env, // the core reads no environment itself: XDG_CACHE_HOME, ORT_LOG_LEVEL, ... come from here
      cacheDir: env.MODEL_CACHE_DIR,
      apiKey: env.ROBOFLOW_API_KEY ?? env.API_KEY,
      apiBaseUrl: env.API_BASE_URL,
      maxActiveModels: int('MAX_ACTIVE_MODELS', env.MAX_ACTIVE_MODELS),
      aliases: aliases(env.MODEL_ALIASES),
      session: {
        providers: providers(env.ONNXRUNTIME_EXECUTION_PROVIDERS),
        intraOpThreads: int('ORT_THREADS', env.ORT_THREADS),
        sessions:
          env.ORT_SESSIONS?.trim() === 'adaptive' ? 'adaptive' : int('ORT_SESSIONS', env.ORT_SESSIONS),
        // a process given a share of the machine (SERVER_PROCESSES, local workers) sizes its sessions to it
        ...coreShare(int('ORT_CORES', env.ORT_CORES)),
        batching: batchingFromEnv(env),
      },
    },
    preloadModels: list(env.PRELOAD_MODELS),
    pinnedModels: list(env.PINNED_MODELS),
    // SERVER_API_KEYS_FILE (one key per line) keeps keys out of the environment listing too
    apiKeys: apiKeysFromEnv(env),
    allowApiKeyFromHeaders: bool('ALLOW_API_KEY_FROM_HEADERS', env.ALLOW_API_KEY_FROM_HEADERS),
    corsOrigins: origins === undefined ? undefined : list(origins),
    logger: { level: env.LOG_LEVEL ?? 'info' },
    requestIdHeader: env.CORRELATION_ID_HEADER,
    bodyLimitBytes: int('MAX_BODY_BYTES', env.MAX_BODY_BYTES),
    requestTimeoutMs: int('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS),
    modelLoadWaitMs: int('MODEL_LOAD_WAIT_MS', env.MODEL_LOAD_WAIT_MS),
    queue: {
      concurrency: int('MODEL_CONCURRENCY', env.MODEL_CONCURRENCY),
      maxQueued: int('MODEL_QUEUE_SIZE', env.MODEL_QUEUE_SIZE),
    },
    decodeBudget: {
      maxPixels: int('MAX_DECODED_PIXELS', env.MAX_DECODED_PIXELS),
      waitMs: int('DECODE_WAIT_MS', env.DECODE_WAIT_MS),
    },
    images: {
      allowUrl: bool('ALLOW_URL_INPUT', env.ALLOW_URL_INPUT),
      allowHttpUrls: bool('ALLOW_NON_HTTPS_URL_INPUT', env.ALLOW_NON_HTTPS_URL_INPUT),
      allowPrivateUrls: bool('ALLOW_PRIVATE_URL_INPUT', env.ALLOW_PRIVATE_URL_INPUT),
      allowFile: bool(
        'ALLOW_LOADING_IMAGES_FROM_LOCAL_FILESYSTEM',
        env.ALLOW_LOADING_IMAGES_FROM_LOCAL_FILESYSTEM,
      ),
      maxBytes: int('MAX_IMAGE_BYTES', env.MAX_IMAGE_BYTES),
      maxPixels: int('MAX_IMAGE_PIXELS', env.MAX_IMAGE_PIXELS),
      maxPerRequest: int('MAX_BATCH_SIZE', env.MAX_BATCH_SIZE),
      urlTimeoutMs: int('IMAGE_URL_TIMEOUT_MS', env.IMAGE_URL_TIMEOUT_MS),
      maxRedirects: int('MAX_IMAGE_URL_REDIRECTS', env.MAX_IMAGE_URL_REDIRECTS),
    },
    models: {
      allowLocalPaths: bool('ALLOW_LOCAL_MODEL_PATHS', env.ALLOW_LOCAL_MODEL_PATHS),
      allowUrls: bool('ALLOW_MODEL_URLS', env.ALLOW_MODEL_URLS),
    },
    legacyRoute: bool('LEGACY_ROUTE_ENABLED', env.LEGACY_ROUTE_ENABLED),
    docs: bool('DOCS_ENABLED', env.DOCS_ENABLED),
    metrics: bool('METRICS_ENABLED', env.METRICS_ENABLED),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', env.SHUTDOWN_TIMEOUT_MS),
    // INFERENCE_FRONT=true (+ REDIS_URL or REDIS_HOST/REDIS_PORT): the HTTP front of a scale-out
    distributed: frontFromEnv(env),
    // on by default, as in Roboflow: it acts only on requests with an api key, or on all with a local config
    activeLearning: {
      enabled: bool('ACTIVE_LEARNING_ENABLED', env.ACTIVE_LEARNING_ENABLED) ?? true,
      options: activeLearningOptionsFromEnv(env),
      // limits shared by every server on this Redis, as Roboflow does
      redisUrl:
        env.REDIS_URL || (env.REDIS_HOST ? `redis://${env.REDIS_HOST}:${env.REDIS_PORT || 6379}` : undefined),
    },
  };
  if (bool('ENABLE_STREAM_API', env.ENABLE_STREAM_API)) {
    // the manager reads its own settings (STREAM_MANAGER_*, STREAM_API_PRELOADED_PROCESSES) from the inherited environment
    options.streamApi = env.STREAM_MANAGER_URL
      ? { url: env.STREAM_MANAGER_URL }
      : {
          process: {
            port: int('STREAM_MANAGER_PORT', env.STREAM_MANAGER_PORT) ?? 7070,
            host: env.STREAM_MANAGER_HOST ?? '127.0.0.1',
          },
        };
  }
  return { host: env.HOST ?? '0.0.0.0', port: int('PORT', env.PORT) ?? 9001, options };
}
