import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CoreErrorCode, ModelError } from '../errors.js';
import { type DownloadOptions, downloadFile, type FetchLike, redactUrl } from './download.js';

/** Default Roboflow API root. */
export const DEFAULT_API_BASE_URL = 'https://api.roboflow.com';

/** Version sent in `X-Roboflow-Inference-Version` unless told otherwise. */
export const CLIENT_VERSION = '0.1.0';

export interface RoboflowApiOptions {
  /** API root (default https://api.roboflow.com). */
  apiBaseUrl?: string;
  apiKey?: string;
  fetch?: FetchLike;
  /** Timeout of one API call (default 20 s). */
  timeoutMs?: number;
  /** Sent as `device=` (default 'inference-ts'). */
  deviceId?: string;
  /** Sent as `X-Roboflow-Inference-Version` (default {@link CLIENT_VERSION}). */
  clientVersion?: string;
  extraHeaders?: Record<string, string>;
}

/** The `ort` object of `GET /ort/{dataset}/{version}` (fields we use). */
export interface RoboflowOrtInfo {
  /** Task type, e.g. 'object-detection'. */
  type?: string;
  modelType?: string;
  modelVariant?: string;
  /** URL of the environment JSON. */
  environment: string;
  /** URL of the ONNX weights. */
  model: string;
  classes?: string[];
  colors?: Record<string, string>;
  keypoints_metadata?: unknown;
  name?: string;
}

/**
 * The API root: option, else `env.API_BASE_URL` (the app's environment, passed
 * in), else {@link DEFAULT_API_BASE_URL}; no trailing slash.
 */
export function resolveApiBaseUrl(
  option?: string,
  env: Readonly<Record<string, string | undefined>> = {},
): string {
  return (option ?? env.API_BASE_URL ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
}

const STATUS_CODES: Record<number, CoreErrorCode> = {
  401: 'CORE_ERR_API_UNAUTHORIZED',
  402: 'CORE_ERR_API_PAYMENT_REQUIRED',
  403: 'CORE_ERR_API_FORBIDDEN',
  404: 'CORE_ERR_API_NOT_FOUND',
  423: 'CORE_ERR_API_USAGE_PAUSED',
};

/** Maps a non-2xx Roboflow API status to our code (contract §0 / 4.5). */
export function apiErrorCode(status: number): CoreErrorCode {
  return STATUS_CODES[status] ?? 'CORE_ERR_API_FAILED';
}

function headersFor(o: RoboflowApiOptions): Record<string, string> {
  return {
    'X-Roboflow-Inference-Version': o.clientVersion ?? CLIENT_VERSION,
    'X-Allow-Chunked': 'true',
    ...o.extraHeaders,
  };
}

/** GET a Roboflow API URL and parse JSON, mapping statuses and network failures to CORE_ERR_API_*. */
async function getJson(url: string, o: RoboflowApiOptions): Promise<unknown> {
  const shown = redactUrl(url);
  const timeoutMs = o.timeoutMs ?? 20_000;
  const fetchFn = o.fetch ?? ((u: string, init?: RequestInit) => fetch(u, init));
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, timeoutMs);
  try {
    const res = await fetchFn(url, { headers: headersFor(o), signal: ctrl.signal });
    const text = await res.text();
    if (!res.ok) {
      throw new ModelError(
        apiErrorCode(res.status),
        `Roboflow API ${shown} answered HTTP ${res.status}: ${text.slice(0, 200)}`,
        {
          details: { status: res.status },
        },
      );
    }
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new ModelError('CORE_ERR_API_FAILED', `Roboflow API ${shown} sent malformed JSON`, { cause });
    }
  } catch (e) {
    if (e instanceof ModelError) throw e;
    if (timedOut) {
      throw new ModelError(
        'CORE_ERR_API_TIMEOUT',
        `Roboflow API ${shown} did not answer within ${timeoutMs} ms`,
        { cause: e },
      );
    }
    throw new ModelError(
      'CORE_ERR_API_UNREACHABLE',
      `cannot reach the Roboflow API at ${shown}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET {api}/ort/{dataset}/{version}?nocache=true&device=..&dynamic=true&api_key=K`:
 * where the weights and environment of a trained model are.
 */
export async function getOrtInfo(
  dataset: string,
  version: string,
  o: RoboflowApiOptions,
): Promise<RoboflowOrtInfo> {
  if (!o.apiKey)
    throw new ModelError(
      'CORE_ERR_API_KEY_MISSING',
      `a Roboflow API key is needed to download ${dataset}/${version}`,
    );
  const q = new URLSearchParams({
    nocache: 'true',
    device: o.deviceId ?? 'inference-ts',
    dynamic: 'true',
    api_key: o.apiKey,
  });
  const url = `${resolveApiBaseUrl(o.apiBaseUrl)}/ort/${encodeURIComponent(dataset)}/${encodeURIComponent(version)}?${q}`;
  const body = await getJson(url, o);
  const ort = (body as { ort?: unknown } | null)?.ort as Partial<RoboflowOrtInfo> | undefined;
  if (!ort || typeof ort.model !== 'string' || typeof ort.environment !== 'string') {
    throw new ModelError(
      'CORE_ERR_API_FAILED',
      `Roboflow API answer for ${dataset}/${version} lacks ort.model/ort.environment`,
    );
  }
  return ort as RoboflowOrtInfo;
}

/**
 * Downloads a Roboflow model into `dir` in Roboflow's cache layout:
 * `weights.onnx`, `environment.json` (with `ort.colors` copied into COLORS),
 * `class_names.txt`, `model_type.json` and, for keypoint models,
 * `keypoints_metadata.json`.
 */
export async function downloadRoboflowModel(
  dataset: string,
  version: string,
  dir: string,
  o: RoboflowApiOptions & { download?: DownloadOptions },
): Promise<RoboflowOrtInfo> {
  const ort = await getOrtInfo(dataset, version, o);
  const dl: DownloadOptions = { fetch: o.fetch, ...o.download, lock: false };
  await downloadFile(ort.model, join(dir, 'weights.onnx'), dl);
  const envPath = join(dir, 'environment.json');
  await downloadFile(ort.environment, envPath, { ...dl, sha256: undefined, maxBytes: 16 * 1024 ** 2 });
  let env: Record<string, unknown>;
  try {
    env = JSON.parse(await readFile(envPath, 'utf8'));
  } catch (cause) {
    throw new ModelError('CORE_ERR_API_FAILED', `environment of ${dataset}/${version} is not valid JSON`, {
      cause,
    });
  }
  if (ort.colors && typeof ort.colors === 'object') env.COLORS = ort.colors;
  await writeFile(envPath, JSON.stringify(env));
  if (Array.isArray(ort.classes))
    await writeFile(join(dir, 'class_names.txt'), `${ort.classes.map(String).join('\n')}\n`);
  const modelType: Record<string, string> = {
    project_task_type: ort.type ?? 'object-detection',
    model_id: `${dataset}/${version}`,
  };
  if (ort.modelType) modelType.model_type = ort.modelType;
  if (ort.modelVariant) modelType.model_variant = ort.modelVariant;
  await writeFile(join(dir, 'model_type.json'), JSON.stringify(modelType));
  if (ort.keypoints_metadata !== undefined && ort.keypoints_metadata !== null) {
    await writeFile(join(dir, 'keypoints_metadata.json'), JSON.stringify(ort.keypoints_metadata));
  }
  return ort;
}
