import { encodeBase64 } from './base64.js';
import type { InferenceConfiguration } from './configuration.js';
import { ConnectionError, HTTPCallError, maskApiKey } from './errors.js';
import { parseRetryAfter, RETRYABLE_STATUSES, retryDelayMs, sleep } from './retry.js';
import type { WireErrorBody } from './wire.js';

/** Response headers the server sets for observability (exposed through CORS too). */
export interface ResponseMeta {
  /** HTTP status. */
  status: number;
  /** `X-Processing-Time`, seconds (only some deployments send it). */
  processingTime?: number;
  /** `X-Model-Id`, split on commas: the models the request touched. */
  modelIds: string[];
  /** `X-Model-Cold-Start`: true when a model was loaded for this request. */
  coldStart?: boolean;
  /** `X-Request-ID` correlation id. */
  requestId?: string;
}

/** One HTTP call, before headers, api key and retries are applied. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  /** Path below the API URL, starting with `/`. */
  path: string;
  query?: Record<string, string>;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent verbatim (the v0 base64 body), still labelled `application/json` like the Python client. */
  rawBody?: string;
  /** Retry 429/503/504 and connection errors (default true). */
  retry?: boolean;
  /** Non-2xx statuses whose body is returned instead of thrown (health probes). */
  acceptStatuses?: readonly number[];
}

/** A parsed body and its metadata. */
export interface HttpResult<T> {
  data: T;
  meta: ResponseMeta;
}

/**
 * `message`, else `detail` (non-strings JSON-encoded), else `"N/A"`, plus
 * `". More details: <inner_error_message>"` when the server gave one.
 */
export function apiMessageOf(body: unknown, rawText: string): string {
  if (typeof body !== 'object' || body === null) {
    return rawText.trim() === '' ? 'N/A' : rawText.trim().slice(0, 1000);
  }
  const b = body as WireErrorBody;
  let message: string;
  if (typeof b.message === 'string') message = b.message;
  else if (b.detail !== undefined && b.detail !== null) {
    message = typeof b.detail === 'string' ? b.detail : JSON.stringify(b.detail);
  } else message = 'N/A';
  if (typeof b.inner_error_message === 'string') message += `. More details: ${b.inner_error_message}`;
  return message;
}

function metaOf(res: Response): ResponseMeta {
  const meta: ResponseMeta = { status: res.status, modelIds: [] };
  const time = res.headers.get('x-processing-time');
  if (time !== null && Number.isFinite(Number(time))) meta.processingTime = Number(time);
  const ids = res.headers.get('x-model-id');
  if (ids)
    meta.modelIds = ids
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const cold = res.headers.get('x-model-cold-start');
  if (cold !== null) meta.coldStart = cold.toLowerCase() === 'true';
  const requestId = res.headers.get('x-request-id');
  if (requestId !== null) meta.requestId = requestId;
  return meta;
}

/** Sends requests with the client's headers, api-key channel, timeout, retries and error mapping. */
export class HttpTransport {
  readonly #apiUrl: string;
  readonly #apiKey: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(apiUrl: string, apiKey: string | undefined, fetchFn: typeof fetch) {
    this.#apiUrl = apiUrl;
    this.#apiKey = apiKey;
    this.#fetch = fetchFn;
  }

  /** Full URL for `path` and `query`. */
  url(path: string, query: Record<string, string> = {}): string {
    const qs = new URLSearchParams(query).toString();
    return `${this.#apiUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /** Runs `spec`, retrying per `cfg`; throws {@link HTTPCallError} or {@link ConnectionError}. */
  async request<T>(spec: RequestSpec, cfg: InferenceConfiguration): Promise<HttpResult<T>> {
    const tries = spec.retry === false ? 1 : cfg.retries;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once<T>(spec, cfg);
      } catch (e) {
        const retryable =
          e instanceof ConnectionError ||
          (e instanceof RetryableStatus && RETRYABLE_STATUSES.has(e.error.status));
        if (!retryable || attempt >= tries) throw e instanceof RetryableStatus ? e.error : e;
        const retryAfter = e instanceof RetryableStatus ? e.retryAfterMs : undefined;
        await sleep(retryDelayMs(attempt, cfg, retryAfter));
      }
    }
  }

  #headers(spec: RequestSpec, cfg: InferenceConfiguration): Record<string, string> {
    const headers: Record<string, string> = {};
    if (spec.method === 'POST') headers['Content-Type'] = 'application/json';
    if (this.#apiKey !== undefined && cfg.apiKeyTransport !== 'legacy') {
      headers.Authorization = `Bearer ${this.#apiKey}`;
    }
    return headers;
  }

  async #once<T>(spec: RequestSpec, cfg: InferenceConfiguration): Promise<HttpResult<T>> {
    const url = this.url(spec.path, spec.query);
    const masked = maskApiKey(url, this.#apiKey);
    const controller = new AbortController();
    const timer =
      cfg.requestTimeoutMs !== undefined
        ? setTimeout(() => controller.abort(), cfg.requestTimeoutMs)
        : undefined;
    try {
      let res: Response;
      try {
        res = await this.#fetch(url, {
          method: spec.method,
          headers: this.#headers(spec, cfg),
          body: spec.rawBody ?? (spec.json !== undefined ? JSON.stringify(spec.json) : undefined),
          signal: controller.signal,
        });
      } catch (e) {
        throw this.#connectionError(e, spec.method, masked, controller, cfg);
      }
      const isImage = (res.headers.get('content-type') ?? '').toLowerCase().startsWith('image/');
      let text = '';
      let bytes: Uint8Array | undefined;
      try {
        if (isImage) bytes = new Uint8Array(await res.arrayBuffer());
        else text = await res.text();
      } catch (e) {
        throw this.#connectionError(e, spec.method, masked, controller, cfg);
      }
      let body: unknown = null;
      if (bytes !== undefined) body = { visualization: encodeBase64(bytes) };
      else if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
      }
      const accepted = res.ok || (spec.acceptStatuses?.includes(res.status) ?? false);
      if (accepted && body !== undefined) return { data: body as T, meta: metaOf(res) };
      const description = `${res.status} ${res.statusText || 'Error'} for ${spec.method} ${masked}`;
      const apiMessage = accepted
        ? 'Response body is not JSON'
        : maskApiKey(apiMessageOf(body, text), this.#apiKey);
      const error = new HTTPCallError(description, apiMessage, res.status);
      if (RETRYABLE_STATUSES.has(res.status)) {
        throw new RetryableStatus(error, parseRetryAfter(res.headers.get('retry-after')));
      }
      throw error;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }

  #connectionError(
    cause: unknown,
    method: string,
    maskedUrl: string,
    controller: AbortController,
    cfg: InferenceConfiguration,
  ): ConnectionError {
    const reason = controller.signal.aborted
      ? `timed out after ${cfg.requestTimeoutMs} ms`
      : maskApiKey(cause instanceof Error ? cause.message : String(cause), this.#apiKey);
    return new ConnectionError(`${method} ${maskedUrl} failed: ${reason}`, { cause });
  }
}

/** Internal carrier for a retryable HTTP error and its `Retry-After`. */
class RetryableStatus extends Error {
  constructor(
    readonly error: HTTPCallError,
    readonly retryAfterMs: number | undefined,
  ) {
    super(error.message);
  }
}
