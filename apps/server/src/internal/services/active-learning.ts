import {
  ActiveLearning,
  type ActiveLearningOptions,
  type DatapointImage,
  isActiveLearningError,
  type PredictionType,
  type WirePrediction,
} from '@inference-ts/active-learning';
import type { InferenceResult, RgbImage } from '@inference-ts/core';
import { decodeBase64Image } from '@inference-ts/core/image';
import type { FastifyBaseLogger } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { ImageSource } from '../inference/images.js';

/** Active learning on the inference routes. */
export interface ServerActiveLearningOptions {
  /** ACTIVE_LEARNING_ENABLED (default true when this object is given). */
  enabled?: boolean;
  /** Options of the instance the server opens (state dir, target, local config...). */
  options?: ActiveLearningOptions;
  /** Use this instance instead (the caller keeps ownership). */
  instance?: ActiveLearning;
  /** REDIS_URL (or REDIS_HOST/REDIS_PORT): limit counters shared by every server on this Redis. */
  redisUrl?: string;
}

const TASKS = new Set<string>([
  'object-detection',
  'instance-segmentation',
  'keypoint-detection',
  'classification',
]);

/** What one inference request offers for registration. */
export interface ActiveLearningOffer {
  modelId: string;
  apiKey?: string;
  disable?: boolean;
  targetDataset?: string;
  inferenceId: string;
  sources: readonly ImageSource[];
  images: readonly RgbImage[];
  results: readonly InferenceResult[];
}

/**
 * The server's side of active learning: per request, hands each result to
 * `ActiveLearning.submit`, which only queues (the JSON, encoding, sampling
 * and storage happen after the response, off the request path). Counters go
 * to /metrics as `inference_active_learning_datapoints_total{outcome}`.
 */
export class ServerActiveLearning {
  readonly al: ActiveLearning;
  readonly #owned: boolean;
  readonly #redis: { disconnect(): void } | undefined;

  private constructor(al: ActiveLearning, owned: boolean, redis?: { disconnect(): void }) {
    this.al = al;
    this.#owned = owned;
    this.#redis = redis;
  }

  /** A Redis connection for the shared limits: fails commands at once while Redis is down (logged once per outage). */
  static async #connectRedis(url: string, log: FastifyBaseLogger) {
    const { Redis } = await import('ioredis');
    const r = new Redis(url, {
      connectionName: 'active-learning-limits',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: (times: number) => Math.min(50 * times, 500),
    });
    let reported = false;
    r.on('error', (err: Error) => {
      if (!reported)
        log.warn(
          { err },
          'active learning: Redis unreachable; datapoints are not registered until it is back',
        );
      reported = true;
    });
    r.on('ready', () => {
      reported = false;
    });
    // the first datapoints should not fail for a connection still being made (bounded: Redis may be down)
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        r.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, 2000);
      r.once('ready', done);
    });
    return r;
  }

  static async create(
    o: ServerActiveLearningOptions,
    log: FastifyBaseLogger,
    registry: Registry,
    apiUrl: string | undefined,
    busy?: () => boolean,
  ): Promise<ServerActiveLearning | undefined> {
    if (o.enabled === false || (!o.instance && !o.options)) return undefined;
    let al: ActiveLearning;
    const redis =
      !o.instance && o.redisUrl && !o.options?.redis
        ? await ServerActiveLearning.#connectRedis(o.redisUrl, log)
        : undefined;
    try {
      al =
        o.instance ??
        (await ActiveLearning.open({
          ...(apiUrl ? { apiUrl } : {}),
          logger: log.child({ component: 'active-learning' }),
          ...(busy ? { busy } : {}),
          ...(redis ? { redis } : {}),
          ...(o.options as ActiveLearningOptions),
        }));
    } catch (err) {
      redis?.disconnect();
      // a bad config or target is the operator's to fix: refuse to start
      if (
        isActiveLearningError(err) &&
        (err.code.startsWith('AL_ERR_CONFIG') || err.code === 'AL_ERR_TARGET_INVALID')
      )
        throw err;
      // inference does not depend on active learning otherwise: serve without it, loudly
      if (isActiveLearningError(err) && err.code === 'AL_ERR_SQLITE_UNAVAILABLE')
        // a machine without compilers (Node and npm only): its message says what to install; no trace
        log.warn({ code: err.code }, `active learning is off: ${err.message}`);
      else log.error({ err, dir: o.options?.dir }, 'active learning could not start; serving without it');
      return undefined;
    }
    const counters = al.counters;
    new Counter({
      name: 'inference_active_learning_datapoints_total',
      help: 'Active learning datapoints by outcome: sampled, limited, refused, delivered, failed (attempts), retried (attempts).',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        this.reset();
        for (const outcome of ['sampled', 'limited', 'refused', 'delivered', 'failed', 'retried'] as const) {
          this.inc({ outcome }, counters[outcome]);
        }
      },
    });
    return new ServerActiveLearning(al, !o.instance, redis);
  }

  /** Queues each result of a request (never throws, never waits). */
  offer(o: ActiveLearningOffer): void {
    if (o.disable || (!o.apiKey && !this.al.hasLocalConfig)) return;
    o.results.forEach((result, i) => {
      const task = result.task;
      if (!TASKS.has(task)) return;
      const image = o.images[i];
      const src = o.sources[i];
      // Prefer the request's own bytes when the pixels here are not the full image: a
      // reduced-size decode fed the model, or none happened here (a scale-out front's workers
      // decoded it). URL and file sources are not fetched or read again.
      const partial = !image || (image.sourceWidth !== undefined && image.sourceWidth !== image.width);
      let lazyImage: (() => DatapointImage) | undefined = image ? () => image : undefined;
      if (partial && src?.kind === 'bytes') lazyImage = () => src.value;
      else if (partial && src?.kind === 'base64')
        lazyImage = () => decodeBase64Image(src.value, Number.MAX_SAFE_INTEGER);
      if (!lazyImage) return;
      this.al.submit({
        image: lazyImage,
        sizeHint: image
          ? image.data.length
          : src?.kind === 'bytes'
            ? src.value.length
            : String(src?.value ?? '').length,
        prediction: () => result.toJSON() as unknown as WirePrediction,
        predictionType: task as PredictionType,
        modelId: o.modelId,
        inferenceId: o.inferenceId,
        ...(o.apiKey ? { apiKey: o.apiKey } : {}),
        ...(o.targetDataset ? { targetDataset: o.targetDataset } : {}),
      });
    });
  }

  /**
   * `offer` for a request whose body (v1) or query (legacy) may carry
   * `disable_active_learning` and `active_learning_target_dataset`.
   */
  offerRequest(
    requestId: string,
    flags: unknown,
    o: Omit<ActiveLearningOffer, 'inferenceId' | 'disable' | 'targetDataset'>,
  ): void {
    const f = (flags ?? {}) as {
      disable_active_learning?: unknown;
      active_learning_target_dataset?: unknown;
    };
    const target = f.active_learning_target_dataset;
    this.offer({
      ...o,
      inferenceId: requestId,
      disable: f.disable_active_learning === true,
      ...(typeof target === 'string' && target !== '' ? { targetDataset: target } : {}),
    });
  }

  async close(): Promise<void> {
    if (this.#owned) await this.al.close();
    this.#redis?.disconnect();
  }
}
