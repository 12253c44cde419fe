import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ActiveLearningConfig, type EnabledConfig, parseActiveLearningConfig } from './config.js';
import { ActiveLearningError } from './errors.js';
import type { PredictionType } from './prediction.js';
import { DEFAULT_API_URL } from './targets/roboflow.js';

/** What registration knows when it asks for a config. */
export interface ConfigRequest {
  apiKey?: string;
  /** The dataset that receives the data (the model id's first segment unless redirected). */
  targetDataset: string;
  modelId: string;
  predictionType: PredictionType;
}

/** A config that applies, with where its datapoints are accounted and uploaded. */
export interface ResolvedConfig {
  config: EnabledConfig;
  workspace: string;
  project: string;
}

export interface ConfigSource {
  /** undefined: active learning does not apply to this request. */
  resolve(req: ConfigRequest): Promise<ResolvedConfig | undefined>;
}

/** Reads and validates a local JSON config file (`ACTIVE_LEARNING_CONFIG`). */
export function readConfigFile(path: string): ActiveLearningConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ActiveLearningError(
      'AL_ERR_CONFIG_FILE',
      `Cannot read the active learning config ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return parseActiveLearningConfig(raw);
}

/**
 * One config for every request (a local file or an object given in code).
 * It applies without an API key; datapoints are accounted under
 * `target_workspace` (default `local`) and `target_project` (default the
 * target dataset).
 */
export class LocalConfigSource implements ConfigSource {
  readonly config: ActiveLearningConfig;

  constructor(config: ActiveLearningConfig) {
    this.config = config;
  }

  async resolve(req: ConfigRequest): Promise<ResolvedConfig | undefined> {
    const c = this.config;
    if (!c.enabled) return undefined;
    return {
      config: c,
      workspace: c.targetWorkspace ?? 'local',
      project: c.targetProject ?? req.targetDataset,
    };
  }
}

export interface RoboflowConfigSourceOptions {
  apiUrl?: string;
  /** How long a fetched config is kept (default 900 s, as Roboflow). */
  ttlMs?: number;
  /** How long a failed fetch disables AL for that key before trying again (default 60 s). */
  failureTtlMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  onWarning?: (message: string, err?: unknown) => void;
}

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/**
 * Fetches the per-project config from the Roboflow API (§3.1): the key's
 * workspace, the project's type (a classification vs detection mismatch
 * disables AL), then `GET {api}/{workspace}/{dataset}/active_learning`
 * (401/404: disabled). Cached per md5(api key), dataset and model for 15
 * minutes; a failure disables AL for that key for `failureTtlMs`.
 */
export class RoboflowConfigSource implements ConfigSource {
  readonly #opts: RoboflowConfigSourceOptions;
  readonly #cache = new Map<string, { until: number; value: Promise<ResolvedConfig | undefined> }>();

  constructor(opts: RoboflowConfigSourceOptions = {}) {
    this.#opts = opts;
  }

  get apiUrl(): string {
    return (this.#opts.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
  }

  resolve(req: ConfigRequest): Promise<ResolvedConfig | undefined> {
    if (!req.apiKey) return Promise.resolve(undefined);
    const now = (this.#opts.now ?? Date.now)();
    const key = `${createHash('md5').update(req.apiKey).digest('hex')}:${req.targetDataset}:${req.modelId}`;
    const hit = this.#cache.get(key);
    if (hit && hit.until > now) return hit.value;
    const entry = {
      until: now + (this.#opts.ttlMs ?? 900_000),
      value: Promise.resolve<ResolvedConfig | undefined>(undefined),
    };
    entry.value = this.#fetch(req).catch((err: unknown) => {
      entry.until = now + (this.#opts.failureTtlMs ?? 60_000);
      this.#opts.onWarning?.(`active learning disabled for ${req.targetDataset}: config fetch failed`, err);
      return undefined;
    });
    this.#cache.set(key, entry);
    return entry.value;
  }

  async #get(path: string, apiKey: string, nocache: boolean): Promise<Record<string, unknown>> {
    const url = new URL(`${this.apiUrl}${path}`);
    url.searchParams.set('api_key', apiKey);
    if (nocache) url.searchParams.set('nocache', 'true');
    const res = await (this.#opts.fetch ?? fetch)(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      throw new HttpStatusError(res.status);
    }
    return (await res.json()) as Record<string, unknown>;
  }

  async #fetch(req: ConfigRequest): Promise<ResolvedConfig | undefined> {
    const apiKey = req.apiKey as string;
    const ws = (await this.#get('/', apiKey, true)).workspace;
    if (typeof ws !== 'string' || !ws)
      throw new ActiveLearningError(
        'AL_ERR_CONFIG_FETCH',
        'The Roboflow API named no workspace for this API key.',
      );
    const ds = encodeURIComponent(req.targetDataset);
    const project = (await this.#get(`/${encodeURIComponent(ws)}/${ds}`, apiKey, true)).project as
      | { type?: string }
      | undefined;
    const datasetType = project?.type ?? 'object-detection';
    if ((datasetType === 'classification') !== (req.predictionType === 'classification')) return undefined;
    let body: Record<string, unknown>;
    try {
      body = await this.#get(`/${encodeURIComponent(ws)}/${ds}/active_learning`, apiKey, false);
    } catch (err) {
      if (err instanceof HttpStatusError && (err.status === 401 || err.status === 404)) return undefined;
      throw err;
    }
    const config = parseActiveLearningConfig(body.config ?? { enabled: false });
    if (!config.enabled) return undefined;
    return {
      config,
      workspace: config.targetWorkspace ?? ws,
      project: config.targetProject ?? req.targetDataset,
    };
  }
}
