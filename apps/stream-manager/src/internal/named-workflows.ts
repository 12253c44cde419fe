import { StreamManagerError } from './errors.js';
import { isObject, type JsonObject } from './validate.js';

export interface NamedWorkflowOptions {
  /** Roboflow API base (default https://api.roboflow.com; API_BASE_URL). */
  apiBaseUrl?: string;
  timeoutMs?: number;
}

/**
 * Fetches workflow specifications by name from the Roboflow API
 * (`GET {api}/{workspace}/workflows/{workflow_id}?api_key=...`, whose
 * `workflow.config` is a JSON string holding `specification`), caching each by
 * workspace, id, version and key for the manager's life.
 */
export class NamedWorkflows {
  readonly #base: string;
  readonly #timeoutMs: number;
  readonly #cache = new Map<string, Promise<JsonObject>>();

  constructor(options: NamedWorkflowOptions = {}) {
    this.#base = (options.apiBaseUrl ?? 'https://api.roboflow.com').replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  get(
    workspace: string,
    workflowId: string,
    versionId: string | null,
    apiKey: string | null,
  ): Promise<JsonObject> {
    const key = JSON.stringify([workspace, workflowId, versionId, apiKey]);
    let p = this.#cache.get(key);
    if (!p) {
      p = this.#fetch(workspace, workflowId, versionId, apiKey);
      this.#cache.set(key, p);
      p.catch(() => this.#cache.delete(key)); // failures are not cached
    }
    return p;
  }

  async #fetch(
    workspace: string,
    workflowId: string,
    versionId: string | null,
    apiKey: string | null,
  ): Promise<JsonObject> {
    if (!apiKey)
      throw new StreamManagerError(
        'STREAM_ERR_AUTHORISATION',
        'A named workflow needs an API key (api_key or a header).',
      );
    const url = new URL(
      `${this.#base}/${encodeURIComponent(workspace)}/workflows/${encodeURIComponent(workflowId)}`,
    );
    url.searchParams.set('api_key', apiKey);
    if (versionId) url.searchParams.set('workflow_version_id', versionId);
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (e) {
      throw new StreamManagerError(
        'STREAM_ERR_OPERATION',
        `The Roboflow API cannot be reached to fetch workflow ${workspace}/${workflowId}.`,
        { cause: e },
      );
    }
    if (res.status === 401 || res.status === 403)
      throw new StreamManagerError(
        'STREAM_ERR_AUTHORISATION',
        `The Roboflow API refused the key for workflow ${workspace}/${workflowId}.`,
      );
    if (res.status === 404)
      throw new StreamManagerError(
        'STREAM_ERR_MODEL_NOT_FOUND',
        `Workflow ${workspace}/${workflowId} was not found.`,
      );
    if (!res.ok)
      throw new StreamManagerError(
        'STREAM_ERR_OPERATION',
        `The Roboflow API answered ${res.status} for workflow ${workspace}/${workflowId}.`,
      );
    const body = (await res.json().catch(() => null)) as { workflow?: { config?: unknown } } | null;
    let config = body?.workflow?.config;
    if (typeof config === 'string') {
      try {
        config = JSON.parse(config);
      } catch {
        config = undefined;
      }
    }
    const spec = isObject(config as never) ? (config as JsonObject).specification : undefined;
    if (!isObject(spec as never))
      throw new StreamManagerError(
        'STREAM_ERR_INVALID_WORKFLOW',
        `Provided workflow configuration is not valid. Workflow ${workspace}/${workflowId} has no specification.`,
      );
    return spec as JsonObject;
  }
}
