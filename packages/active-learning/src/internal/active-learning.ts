import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { batchName } from './batching.js';
import { type ActiveLearningConfig, parseActiveLearningConfig } from './config.js';
import {
  type ConfigSource,
  LocalConfigSource,
  type ResolvedConfig,
  RoboflowConfigSource,
  readConfigFile,
} from './config-source.js';
import { type ActiveLearningCounters, zeroCounters } from './counters.js';
import { Deliverer, type DeliveryOptions } from './delivery.js';
import { ActiveLearningError } from './errors.js';
import { type DatapointImage, prepareImage, rescalePrediction } from './image.js';
import { LimitsStore } from './limits.js';
import { Outbox, type OutboxItem } from './outbox.js';
import type { PredictionType, WirePrediction } from './prediction.js';
import { type RedisLike, RedisLimits } from './redis-limits.js';
import { openStore } from './store.js';
import { matchingStrategies, type RandomSource } from './strategies.js';
import { collectTags } from './tags.js';
import { FolderTarget, parseTargetSpec } from './targets/folder.js';
import type { ActiveLearningTarget } from './targets/types.js';

/** Where log lines go (pino and console both fit). */
export interface ActiveLearningLogger {
  warn(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface ActiveLearningOptions {
  /** State directory: the outbox database and image files (created). */
  dir: string;
  /** `roboflow` (default) or `dir:<path>`. */
  target?: string;
  /** A config given in code (Roboflow's JSON shape, or already parsed); applies to every datapoint. */
  config?: unknown;
  /** A local JSON config file (ACTIVE_LEARNING_CONFIG). */
  configFile?: string;
  /** Any other config source; default: the Roboflow API when neither `config` nor `configFile` is given. */
  configSource?: ConfigSource;
  /** Roboflow API base URL (config fetches and the roboflow target). */
  apiUrl?: string;
  /** API key used when a datapoint brings none (the roboflow target needs one). */
  apiKey?: string;
  /** Tags put first on every upload (ACTIVE_LEARNING_TAGS). */
  tags?: string[];
  /** Outbox bound in bytes of image data (default 1 GiB; ACTIVE_LEARNING_OUTBOX_MAX_MB). */
  outboxMaxBytes?: number;
  /** Datapoints waiting for sampling in memory (default 512, as Roboflow); more are refused. */
  queueCapacity?: number;
  /** Image bytes waiting for sampling in memory (default 256 MiB); more are refused. */
  queueMaxBytes?: number;
  /**
   * True while the host has no spare CPU (the server: while any inference runs, since a
   * lone request's session already uses every core). Sampling and encoding then wait
   * until the in-memory queue is half full (count or bytes), so active learning spends
   * spare CPU rather than its requests' time. Default: never busy.
   */
  busy?: () => boolean;
  delivery?: DeliveryOptions & {
    /** Start delivering at open (default true; false for tools that only read or flush). */
    autoStart?: boolean;
  };
  /**
   * Share limit counters with every instance on this Redis (Roboflow's keys); without it
   * they live in the state database (shared by the processes using the same directory).
   */
  redis?: RedisLike;
  /** Custom targets by spec (tests, other sinks). */
  targetFor?: (spec: string) => ActiveLearningTarget | undefined;
  now?: () => number;
  random?: RandomSource;
  logger?: ActiveLearningLogger;
}

/** One model answer offered for registration. */
export interface Datapoint {
  /** The image, or a function producing it (called off the caller's path, only if sampled). */
  image: DatapointImage | (() => DatapointImage | Promise<DatapointImage>);
  /** The wire JSON, or a function producing it (called off the caller's path). */
  prediction: WirePrediction | (() => WirePrediction);
  /** Bytes the datapoint holds while queued, when `image` is a function (for the queue bound). */
  sizeHint?: number;
  predictionType: PredictionType;
  modelId: string;
  apiKey?: string;
  /** Redirects the data to this dataset (default: the first segment of `modelId`). */
  targetDataset?: string;
  inferenceId?: string;
}

export type RegisterOutcome = 'disabled' | 'not_sampled' | 'limited' | 'refused' | 'accepted' | 'closed';

export interface ActiveLearningStatus {
  outbox: {
    pending: number;
    dead: number;
    bytes: number;
    maxBytes: number;
    /** Age of the oldest item, ms (absent when empty). */
    oldestAgeMs?: number;
  };
  /** Live usage per strategy and window (UTC windows). */
  usage: { workspace: string; project: string; strategy: string; window: string; usage: number }[];
  /** Totals since the state directory was created (all processes). */
  totals: Record<string, number>;
  /** Latest delivery errors, newest first. */
  lastErrors: { at: number; item: number | null; message: string }[];
}

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;

/**
 * The dataset a model id feeds by default: `dataset` of `dataset/version`;
 * for a local model (a path or file) its file name without `.onnx`.
 */
export function datasetOf(modelId: string): string {
  const m = /^([^/\\]+)\/[^/\\]+$/.exec(modelId);
  if (m && !modelId.endsWith('.onnx') && m[1] !== '.' && m[1] !== '..') return m[1];
  const base = modelId.split(/[/\\]/).filter(Boolean).pop() ?? '';
  return base.replace(/\.onnx$/i, '') || 'model';
}

function datapointSize(dp: Datapoint): number {
  const i = dp.image;
  if (typeof i === 'function') return dp.sizeHint ?? 0;
  return i instanceof Uint8Array ? i.length : i.data.length;
}

/**
 * Active learning: sample model answers by the config's strategies, respect
 * their limits, and hand accepted datapoints to a durable outbox that
 * delivers them to Roboflow or a local COCO folder with back-off.
 * `submit` is the cheap, never-blocking entry for request paths.
 *
 * @example
 * const al = await ActiveLearning.open({
 *   dir: '.al-state', target: 'dir:./dataset',
 *   config: { enabled: true, persist_predictions: true,
 *     sampling_strategies: [{ name: 'all', type: 'random', traffic_percentage: 1 }],
 *     batching_strategy: { batches_name_prefix: 'al', recreation_interval: 'never' } },
 * });
 * await al.register({ image: jpegBytes, prediction, predictionType: 'object-detection', modelId: 'coco/3' }); // 'accepted'
 * await al.flush();   // ./dataset/coco/al/_annotations.coco.json + the image
 * await al.close();
 */
/** How often a deferred queue looks again for spare CPU. */
const BUSY_POLL_MS = 25;

export class ActiveLearning {
  readonly counters: ActiveLearningCounters = zeroCounters();
  readonly targetSpec: string;
  readonly #opts: ActiveLearningOptions;
  readonly #db: Database.Database;
  readonly #outbox: Outbox;
  readonly #limits: LimitsStore;
  readonly #redisLimits: RedisLimits | undefined;
  readonly #source: ConfigSource;
  readonly #deliverer: Deliverer;
  readonly #now: () => number;
  readonly #random: RandomSource;
  readonly #queue: { dp: Datapoint; size: number }[] = [];
  readonly #capacity: number;
  readonly #maxQueuedBytes: number;
  #queuedBytes = 0;
  #working: Promise<void> | undefined;
  #closed = false;
  #accepting = true;
  #closing: Promise<void> | undefined;
  #idleWaiters: (() => void)[] = [];

  private constructor(opts: ActiveLearningOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#random = opts.random ?? Math.random;
    this.#capacity = opts.queueCapacity ?? 512;
    this.#maxQueuedBytes = opts.queueMaxBytes ?? 256 * 1024 * 1024;
    const spec = opts.target ?? 'roboflow';
    const parsed = parseTargetSpec(spec);
    this.targetSpec = parsed.kind === 'roboflow' ? 'roboflow' : `dir:${parsed.path}`;
    this.#source = ActiveLearning.#sourceFor(opts);
    const { db, files } = openStore(opts.dir);
    this.#db = db;
    this.#outbox = new Outbox(db, files, opts.outboxMaxBytes ?? DEFAULT_MAX_BYTES);
    this.#limits = new LimitsStore(db);
    this.#redisLimits = opts.redis ? new RedisLimits(opts.redis) : undefined;
    this.#deliverer = new Deliverer(
      this.#outbox,
      {
        now: this.#now,
        counters: this.counters,
        giveBack: (ws, project, strategy, now) => this.#giveBack(ws, project, strategy, now),
        bump: (name) => this.#bump(name),
        onError: (item, err) => this.#recordError(item, err),
        ...(opts.targetFor ? { targetFor: opts.targetFor } : {}),
      },
      opts.delivery,
    );
  }

  static #sourceFor(opts: ActiveLearningOptions): ConfigSource {
    if (opts.configSource) return opts.configSource;
    if (opts.config !== undefined) {
      const c = opts.config as ActiveLearningConfig;
      const parsed =
        typeof c === 'object' && c !== null && 'samplingStrategies' in c
          ? c
          : parseActiveLearningConfig(opts.config);
      return new LocalConfigSource(parsed);
    }
    if (opts.configFile) return new LocalConfigSource(readConfigFile(opts.configFile));
    return new RoboflowConfigSource({
      ...(opts.apiUrl ? { apiUrl: opts.apiUrl } : {}),
      now: opts.now ?? Date.now,
      onWarning: (message, err) => opts.logger?.warn({ err }, message),
    });
  }

  /** Opens (or reopens) the state directory and starts delivering what it holds. */
  static async open(opts: ActiveLearningOptions): Promise<ActiveLearning> {
    const al = new ActiveLearning(opts);
    if (opts.delivery?.autoStart !== false) al.#deliverer.start();
    return al;
  }

  /** Whether a config applies without an API key (a local config). */
  get hasLocalConfig(): boolean {
    return this.#source instanceof LocalConfigSource && this.#source.config.enabled;
  }

  #bump(name: keyof ActiveLearningCounters): void {
    this.counters[name]++;
    if (!this.#db.open) return;
    this.#db
      .prepare(
        'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1',
      )
      .run(name);
  }

  #recordError(item: OutboxItem | undefined, err: Error): void {
    this.#opts.logger?.warn(
      { err, item: item?.id, target: item?.target },
      'active learning delivery problem',
    );
    this.#db
      .prepare('INSERT INTO errors (at, item, message) VALUES (?, ?, ?)')
      .run(this.#now(), item?.id ?? null, err.message);
    this.#db.prepare('DELETE FROM errors WHERE id <= (SELECT MAX(id) FROM errors) - 50').run();
  }

  /**
   * Offers a datapoint without waiting: it is queued in memory and sampled,
   * encoded and stored off the caller's path. Returns false (counted as
   * refused) when the queue is full or the instance is closed.
   */
  submit(dp: Datapoint): boolean {
    const size = datapointSize(dp);
    if (
      !this.#accepting ||
      this.#queue.length >= this.#capacity ||
      this.#queuedBytes + size > this.#maxQueuedBytes
    ) {
      this.#refuse('submit queue full');
      return false;
    }
    this.#queue.push({ dp, size });
    this.#queuedBytes += size;
    if (!this.#working) {
      this.#working = new Promise<void>((r) => setImmediate(r)).then(() => this.#work());
    }
    return true;
  }

  async #work(): Promise<void> {
    for (await this.#spareCpu(); this.#queue.length > 0; await this.#spareCpu()) {
      const next = this.#queue.shift();
      if (!next) break;
      try {
        await this.register(next.dp);
      } catch (err) {
        this.#opts.logger?.warn({ err }, 'active learning registration failed');
      } finally {
        this.#queuedBytes -= next.size;
      }
    }
    this.#working = undefined;
    for (const w of this.#idleWaiters.splice(0)) w();
  }

  /** Waits while the host is busy, unless the queue is half full or the instance is closing. */
  async #spareCpu(): Promise<void> {
    const busy = this.#opts.busy;
    if (!busy) return;
    while (
      this.#accepting &&
      this.#queue.length < this.#capacity / 2 &&
      this.#queuedBytes < this.#maxQueuedBytes / 2 &&
      busy()
    ) {
      await new Promise((r) => setTimeout(r, BUSY_POLL_MS));
    }
  }

  /** Resolves when every submitted datapoint has been registered (or refused). */
  idle(): Promise<void> {
    if (!this.#working && this.#queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  #refuse(why: string): void {
    this.#bump('refused');
    const err = new ActiveLearningError('AL_ERR_OUTBOX_FULL', `Active learning datapoint refused: ${why}.`);
    this.#opts.logger?.warn({ code: err.code, reason: why }, err.message);
  }

  /** Registers one datapoint now: config, strategies, batch cap, limits, image, outbox. */
  async register(dp: Datapoint): Promise<RegisterOutcome> {
    if (this.#closed) return 'closed';
    const targetDataset = dp.targetDataset ?? datasetOf(dp.modelId);
    const apiKey = dp.apiKey ?? this.#opts.apiKey;
    const resolved = await this.#source.resolve({
      ...(apiKey ? { apiKey } : {}),
      targetDataset,
      modelId: dp.modelId,
      predictionType: dp.predictionType,
    });
    if (!resolved || this.#closed) return resolved ? 'closed' : 'disabled';
    if (this.targetSpec === 'roboflow' && !apiKey) return 'disabled';
    const { config } = resolved;
    const prediction = typeof dp.prediction === 'function' ? dp.prediction() : dp.prediction;
    const matching = matchingStrategies(
      config.samplingStrategies,
      prediction,
      dp.predictionType,
      this.#random,
    );
    if (matching.length === 0) return 'not_sampled';
    this.#bump('sampled');
    const now = this.#now();
    const batch = batchName(
      config.batching.batchesNamePrefix,
      config.batching.recreationInterval,
      new Date(now),
    );
    const batchKey = `${resolved.workspace}:${resolved.project}:${batch}`;
    const cap = config.batching.maxBatchImages;
    const capOk = () => {
      if (cap === undefined) return true;
      const r = this.#db.prepare('SELECT images FROM batches WHERE key = ?').get(batchKey) as
        | { images: number }
        | undefined;
      return cap > (r?.images ?? 0);
    };
    const winner = this.#redisLimits
      ? capOk()
        ? await this.#redisLimits.takeFirst(resolved.workspace, resolved.project, matching, now)
        : undefined
      : this.#limits.takeFirst(resolved.workspace, resolved.project, matching, now, capOk);
    if (!winner) {
      this.#bump('limited');
      this.#opts.logger?.debug?.({ model: dp.modelId, batch }, 'active learning: no strategy has credit');
      return 'limited';
    }
    this.#db
      .prepare(
        'INSERT INTO batches (key, images) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET images = images + 1',
      )
      .run(batchKey);
    const giveBack = async () => {
      await this.#giveBack(resolved.workspace, resolved.project, winner.name, now);
      this.#db.prepare('UPDATE batches SET images = MAX(0, images - 1) WHERE key = ?').run(batchKey);
    };
    try {
      return await this.#store(dp, prediction, resolved, winner.name, winner.tags, batch, now, apiKey);
    } catch (err) {
      await giveBack().catch(() => undefined);
      throw err;
    }
  }

  async #store(
    dp: Datapoint,
    original: WirePrediction,
    resolved: ResolvedConfig,
    strategy: string,
    strategyTags: string[],
    batch: string,
    now: number,
    apiKey: string | undefined,
  ): Promise<RegisterOutcome> {
    const { config } = resolved;
    const image = typeof dp.image === 'function' ? await dp.image() : dp.image;
    const prepared = await prepareImage(
      image,
      config.maxImageSize,
      config.jpegCompressionLevel,
      original.image?.height,
    );
    if (!this.#outbox.fits(prepared.jpeg.length)) {
      this.#refuse('outbox full (ACTIVE_LEARNING_OUTBOX_MAX_MB)');
      await this.#giveBack(resolved.workspace, resolved.project, strategy, now);
      this.#db
        .prepare('UPDATE batches SET images = MAX(0, images - 1) WHERE key = ?')
        .run(`${resolved.workspace}:${resolved.project}:${batch}`);
      return 'refused';
    }
    const prediction = rescalePrediction(original, dp.predictionType, prepared.scale, prepared);
    const name = `${createHash('sha256').update(prepared.jpeg).digest('hex').slice(0, 32)}.jpg`;
    const useKey = this.targetSpec === 'roboflow' ? apiKey : undefined;
    await this.#outbox.add(
      {
        createdAt: now,
        target: this.targetSpec,
        ...(this.targetSpec === 'roboflow' ? { apiUrl: this.#apiUrl() } : {}),
        ...(useKey ? { apiKey: useKey } : {}),
        workspace: resolved.workspace,
        project: resolved.project,
        strategy,
        batch,
        tags: collectTags(
          this.#opts.tags ?? [],
          config.tags,
          strategyTags,
          dp.modelId,
          config.persistPredictions,
        ),
        name,
        width: prepared.width,
        height: prepared.height,
        ...(config.persistPredictions ? { prediction } : {}),
        taskType: dp.predictionType,
        modelId: dp.modelId,
        ...(dp.inferenceId ? { inferenceId: dp.inferenceId } : {}),
      },
      prepared.jpeg,
      now,
    );
    this.#bump('accepted');
    this.#deliverer.kick();
    return 'accepted';
  }

  #giveBack(workspace: string, project: string, strategy: string, now: number): void | Promise<void> {
    if (this.#redisLimits) return this.#redisLimits.giveBack(workspace, project, strategy, now);
    this.#limits.giveBack(workspace, project, strategy, now);
  }

  #apiUrl(): string {
    return this.#source instanceof RoboflowConfigSource
      ? this.#source.apiUrl
      : (this.#opts.apiUrl ?? 'https://api.roboflow.com').replace(/\/+$/, '');
  }

  /**
   * Delivers every pending item now (ignoring back-off), repeating while
   * passes make progress, for at most `timeoutMs`. Items whose target is
   * still down stay pending.
   */
  async flush(timeoutMs = 60_000): Promise<{ delivered: number; pending: number; dead: number }> {
    this.#assertOpen();
    await this.idle();
    const start = this.counters.delivered;
    const until = Date.now() + timeoutMs;
    for (;;) {
      const before = this.#outbox.stats().pending;
      if (before === 0 || Date.now() > until) break;
      await this.#deliverer.flushOnce();
      if (this.#outbox.stats().pending >= before) break;
    }
    const s = this.#outbox.stats();
    return { delivered: this.counters.delivered - start, pending: s.pending, dead: s.dead };
  }

  /** Dead items (refused by their target) are tried again. */
  retryDead(): number {
    const n = this.#outbox.revive();
    this.#deliverer.kick();
    return n;
  }

  /** Copies every outbox item (pending and dead) into a COCO folder; the outbox keeps them. */
  async export(dir: string): Promise<number> {
    this.#assertOpen();
    const target = new FolderTarget(dir);
    let n = 0;
    for (const item of this.#outbox.all()) {
      const jpeg = await readFile(this.#outbox.imagePath(item));
      await target.deliver(item, jpeg, {
        firstAttempt: false,
        onUploaded: () => undefined,
        onWarning: () => undefined,
      });
      n++;
    }
    return n;
  }

  status(): ActiveLearningStatus {
    const now = this.#now();
    const s = this.#outbox.stats();
    const usage = this.#limits.all(now).map(({ key, usage }) => {
      const parts = key.split(':');
      const infix = parts.pop() as string;
      const strategy = parts.pop() as string;
      const project = parts.pop() as string;
      const window = infix.startsWith('minute_')
        ? 'minutely'
        : infix.startsWith('hour_')
          ? 'hourly'
          : 'daily';
      return { workspace: parts.join(':'), project, strategy, window, usage };
    });
    const totals = Object.fromEntries(
      (this.#db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[]).map(
        (r) => [r.name, r.value],
      ),
    );
    const lastErrors = this.#db
      .prepare('SELECT at, item, message FROM errors ORDER BY id DESC LIMIT 10')
      .all() as ActiveLearningStatus['lastErrors'];
    return {
      outbox: {
        pending: s.pending,
        dead: s.dead,
        bytes: s.bytes,
        maxBytes: this.#outbox.maxBytes,
        ...(s.oldestCreatedAt !== undefined ? { oldestAgeMs: Math.max(0, now - s.oldestCreatedAt) } : {}),
      },
      usage,
      totals,
      lastErrors,
    };
  }

  /**
   * Stops taking datapoints, finishes those queued in memory (bounded by the
   * delivery stop timeout), stops delivery and closes the database. What is
   * in the outbox stays there for the next open.
   */
  async close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      this.#accepting = false;
      await this.idle();
      this.#closed = true;
      await this.#deliverer.stop();
      this.#db.close();
    })();
    return this.#closing;
  }

  #assertOpen(): void {
    if (this.#closed || !this.#accepting) throw new ActiveLearningError('AL_ERR_CLOSED');
  }
}
