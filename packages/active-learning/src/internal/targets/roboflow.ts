import { ActiveLearningError } from '../errors.js';
import type { OutboxItem } from '../outbox.js';
import { isMultiLabel, isStub } from '../prediction.js';
import type { ActiveLearningTarget, DeliveryContext } from './types.js';

export const DEFAULT_API_URL = 'https://api.roboflow.com';

export interface RoboflowTargetOptions {
  /** Default API base URL for items that carry none. */
  apiUrl?: string;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const transient = (status: number) => status >= 500 || status === 408 || status === 429;

function unavailable(what: string, cause: unknown): ActiveLearningError {
  return new ActiveLearningError(
    'AL_ERR_TARGET_UNAVAILABLE',
    `Roboflow ${what} failed: ${(cause as Error).message ?? cause}`,
    {
      cause,
    },
  );
}

/**
 * Roboflow's dataset upload API (§3.4 steps 8-9): multipart image upload
 * with batch, tags and inference id, then the prediction as an annotation
 * (`prediction=true`). A 409 on annotate means it is already there: done.
 */
export class RoboflowTarget implements ActiveLearningTarget {
  readonly name = 'roboflow';
  readonly #opts: RoboflowTargetOptions;

  constructor(opts: RoboflowTargetOptions = {}) {
    this.#opts = opts;
  }

  async #post(url: URL, init: RequestInit, what: string): Promise<Response> {
    const f = this.#opts.fetch ?? fetch;
    try {
      return await f(url, { ...init, signal: AbortSignal.timeout(this.#opts.timeoutMs ?? 30_000) });
    } catch (err) {
      throw unavailable(what, err);
    }
  }

  async deliver(item: OutboxItem, jpeg: Buffer, ctx: DeliveryContext): Promise<'delivered' | 'duplicate'> {
    if (!item.apiKey)
      throw new ActiveLearningError('AL_ERR_TARGET_INVALID', 'The Roboflow target needs an API key.');
    const base = (item.apiUrl ?? this.#opts.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
    let imageId = item.uploadedId;
    if (imageId === undefined) {
      const url = new URL(`${base}/dataset/${encodeURIComponent(item.project)}/upload`);
      url.searchParams.set('api_key', item.apiKey);
      url.searchParams.set('batch', item.batch);
      for (const t of item.tags) url.searchParams.append('tag', t);
      if (item.inferenceId) url.searchParams.set('inference_id', item.inferenceId);
      const form = new FormData();
      form.set('name', item.name);
      form.set('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), item.name);
      const res = await this.#post(url, { method: 'POST', body: form }, 'image upload');
      const body = (await res.json().catch(() => ({}))) as {
        success?: boolean;
        duplicate?: boolean;
        id?: string;
      };
      if (!res.ok && transient(res.status))
        throw unavailable('image upload', new Error(`HTTP ${res.status}`));
      if (body.duplicate === true) {
        // Before any earlier attempt, a duplicate is someone else's image: no annotation (Roboflow).
        // After one, it may be ours from an attempt cut short: finish its annotation.
        if (ctx.firstAttempt || !body.id) return 'duplicate';
        imageId = body.id;
      } else if (!res.ok || body.success !== true || !body.id) {
        throw new ActiveLearningError(
          'AL_ERR_UPLOAD_REJECTED',
          `Roboflow refused the image upload (HTTP ${res.status}): ${JSON.stringify(body).slice(0, 200)}`,
        );
      } else imageId = body.id;
      ctx.onUploaded(imageId);
    }
    try {
      await this.#annotate(base, item, imageId);
    } catch (err) {
      // the image is in; only a transient failure is worth another attempt (Roboflow keeps the credit)
      if ((err as ActiveLearningError).code === 'AL_ERR_TARGET_UNAVAILABLE') throw err;
      ctx.onWarning(err as Error);
    }
    return 'delivered';
  }

  async #annotate(base: string, item: OutboxItem, imageId: string): Promise<void> {
    const p = item.prediction;
    if (!p || isStub(p) || (p.predictions === undefined && p.top === undefined)) return;
    if (isMultiLabel(p))
      throw new ActiveLearningError(
        'AL_ERR_PREDICTION_FORMAT',
        'Multi-label classification cannot be persisted as a Roboflow annotation.',
      );
    const txt = item.taskType === 'classification';
    const url = new URL(
      `${base}/dataset/${encodeURIComponent(item.project)}/annotate/${encodeURIComponent(imageId)}`,
    );
    url.searchParams.set('api_key', item.apiKey ?? '');
    url.searchParams.set('name', `${item.name.replace(/\.jpg$/, '')}.${txt ? 'txt' : 'json'}`);
    url.searchParams.set('prediction', 'true');
    const body = txt ? String(p.top ?? '') : JSON.stringify(p);
    const res = await this.#post(
      url,
      { method: 'POST', body, headers: { 'content-type': 'text/plain' } },
      'annotation upload',
    );
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 409 || res.ok) return;
    if (transient(res.status)) throw unavailable('annotation upload', new Error(`HTTP ${res.status}`));
    throw new ActiveLearningError(
      'AL_ERR_UPLOAD_REJECTED',
      `Roboflow refused the annotation (HTTP ${res.status}).`,
    );
  }
}
