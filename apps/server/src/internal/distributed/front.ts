import { randomUUID } from 'node:crypto';
import type { InferenceResult } from '@inference-ts/core';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import type { RequestContext } from '../context.js';
import { ServerError } from '../errors.js';
import type { InferenceJob, InferenceOutput } from '../inference/run.js';
import type { Services, Ticket } from '../services/index.js';
import {
  ANY_MODEL,
  fieldsOf,
  fromWireError,
  type JobMeta,
  jobStream,
  type Reply,
  replyStream,
  splitSources,
  streamsOf,
  WORKER_INFO_KEY,
  WORKER_TTL_MS,
  WORKERS_KEY,
  type WorkerInfo,
} from './protocol.js';
import { connectRedis, isReady, pause } from './redis.js';

export interface FrontOptions {
  /** `redis://host:port`. */
  url: string;
  /** Jobs waiting in one model's stream beyond which new requests get 503 + Retry-After (default 1000). */
  maxBacklog?: number;
  /** How often the live-worker table and stream lengths are refreshed (default 250 ms). */
  refreshMs?: number;
}

interface Waiting {
  resolve: (r: Reply) => void;
}

/**
 * The HTTP front of the scale-out: each inference request becomes one job in
 * its model's Redis stream (image bytes, options, deadline) and waits for its
 * reply on this front's reply stream. The front decodes nothing. It refuses
 * with 503 + Retry-After when Redis is unreachable, no live worker holds the
 * model, or the model's stream is longer than `maxBacklog`; a job still
 * queued at its deadline is answered 504 (the worker drops it unopened).
 */
export class RemoteInference {
  readonly id = randomUUID();
  readonly #o: Required<FrontOptions>;
  readonly #s: Services;
  readonly #log: FastifyBaseLogger;
  readonly #cmd: Redis;
  readonly #reader: Redis;
  readonly #waiting = new Map<string, Waiting>();
  #workers: WorkerInfo[] = [];
  #lengths = new Map<string, number>();
  #closed = false;
  readonly #loops: Promise<void>[] = [];
  readonly #jobs: Counter<'outcome'>;

  constructor(o: FrontOptions, s: Services, log: FastifyBaseLogger) {
    this.#o = { maxBacklog: 1000, refreshMs: 250, ...o };
    this.#s = s;
    this.#log = log;
    const warn = (e: Error) =>
      log.warn({ reason: e.message }, 'redis unreachable: answering 503 until it is back');
    this.#cmd = connectRedis(o.url, `front-${this.id}`, warn);
    this.#reader = connectRedis(o.url, `front-replies-${this.id}`);
    const registers = [s.metrics.registry];
    this.#jobs = new Counter({
      name: 'inference_distributed_jobs_total',
      help: 'Jobs this front sent to the workers, by outcome (answered, expired, refused).',
      labelNames: ['outcome'],
      registers,
    });
    const front = this;
    new Gauge({
      name: 'inference_distributed_queue_depth',
      help: 'Jobs in each model stream (waiting or running on a worker).',
      labelNames: ['stream'],
      registers,
      // read from Redis: every process of a front sees the same figure
      aggregator: 'max',
      collect() {
        this.reset();
        for (const [stream, n] of front.#lengths) this.set({ stream }, n);
      },
    });
    new Gauge({
      name: 'inference_distributed_workers_live',
      help: 'Workers with a recent heartbeat.',
      registers,
      aggregator: 'max',
      collect() {
        this.set(front.#workers.length);
      },
    });
    const perWorker = (name: string, help: string, value: (w: WorkerInfo) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['worker'],
        registers,
        aggregator: 'max',
        collect() {
          this.reset();
          for (const w of front.#workers) this.set({ worker: w.id }, value(w));
        },
      });
    perWorker(
      'inference_distributed_worker_jobs',
      'Jobs each live worker answered since it started (rate() = its throughput).',
      (w) => w.jobs,
    );
    perWorker(
      'inference_distributed_worker_read_batch_mean',
      'Mean jobs per stream read (the dynamic batch) of each live worker.',
      (w) => (w.reads > 0 ? w.jobsRead / w.reads : 0),
    );
    perWorker(
      'inference_distributed_worker_reclaims',
      'Jobs each live worker took over from a dead or stalled one.',
      (w) => w.reclaimed,
    );
    perWorker(
      'inference_distributed_worker_expired',
      'Jobs each live worker dropped because their deadline had passed.',
      (w) => w.expired,
    );
  }

  start(): void {
    this.#loops.push(this.#readReplies(), this.#refresh());
  }

  /** Live workers as last seen (for `/info`-style views and tests). */
  get workers(): readonly WorkerInfo[] {
    return this.#workers;
  }

  /** The request path of every inference route on a front: admit, enqueue, wait for the worker's answer. */
  async infer(ctx: RequestContext, job: InferenceJob): Promise<InferenceOutput> {
    const s = this.#s;
    const key = s.models.keyFor(job.modelId);
    ctx.models.add(key);
    const early = (ctx as { admission?: { take(k: string): Ticket | undefined } }).admission;
    const ticket = early?.take(key) ?? s.queues.admit(key);
    const id = randomUUID();
    try {
      if (!isReady(this.#cmd) || !isReady(this.#reader)) {
        this.#jobs.inc({ outcome: 'redis_down' });
        throw new ServerError('SERVER_ERR_QUEUE_UNAVAILABLE', undefined, { retryAfter: 1 });
      }
      const stream = this.#streamFor(key);
      if ((this.#lengths.get(stream) ?? 0) >= this.#o.maxBacklog) {
        this.#jobs.inc({ outcome: 'backlog' });
        throw new ServerError('SERVER_ERR_BACKLOG', undefined, { retryAfter: 1 });
      }
      const ms = s.options.requestTimeoutMs;
      const { meta, images } = splitSources(job.sources);
      const jobMeta: JobMeta = {
        apiKey: job.apiKey,
        options: job.options as Record<string, unknown>,
        visualize: job.visualize as Record<string, unknown> | undefined,
        sources: meta,
      };
      const reply = new Promise<Reply>((resolve) => this.#waiting.set(id, { resolve }));
      const args: (string | Buffer)[] = [
        'id',
        id,
        'reply',
        replyStream(this.id),
        'deadline',
        String(Date.now() + ms),
      ];
      args.push('model', job.modelId, 'meta', JSON.stringify(jobMeta));
      for (const img of images) args.push('img', img);
      try {
        await this.#cmd.xadd(stream, '*', ...args);
      } catch (e) {
        this.#jobs.inc({ outcome: 'redis_down' });
        throw new ServerError('SERVER_ERR_QUEUE_UNAVAILABLE', undefined, { cause: e, retryAfter: 1 });
      }
      this.#lengths.set(stream, (this.#lengths.get(stream) ?? 0) + 1);
      const answer = await waitFor(reply, ms, job.clientGone);
      if (answer === 'timeout') {
        this.#jobs.inc({ outcome: 'expired' });
        throw new ServerError('SERVER_ERR_TIMEOUT', `The request did not finish within ${ms} ms.`);
      }
      this.#jobs.inc({ outcome: 'answered' });
      if (!answer.ok) throw fromWireError(answer.error);
      // the worker sent wire JSON: hand it to the serialiser as results that are already JSON
      return {
        results: answer.results.map((json) => ({ toJSON: () => json }) as unknown as InferenceResult),
      };
    } finally {
      this.#waiting.delete(id);
      ticket.done();
    }
  }

  /** The model's own stream when a live worker holds it, else the shared one when a live worker serves any model. */
  #streamFor(key: string): string {
    let any = false;
    for (const w of this.#workers) {
      if (w.models.includes(key)) return jobStream(key);
      if (w.models.includes(ANY_MODEL)) any = true;
    }
    if (any) return jobStream(ANY_MODEL);
    this.#jobs.inc({ outcome: 'no_worker' });
    throw new ServerError('SERVER_ERR_NO_WORKER', `No live worker serves the model ${key}.`, {
      retryAfter: 2,
    });
  }

  /** Replies to this front, in order, from where the last read stopped (a Redis restart loses no kept reply). */
  async #readReplies(): Promise<void> {
    const stream = replyStream(this.id);
    let last = '0-0';
    while (!this.#closed) {
      try {
        const res = streamsOf(
          await this.#reader.callBuffer('XREAD', 'COUNT', '256', 'BLOCK', '1000', 'STREAMS', stream, last),
        );
        if (res.length === 0) continue;
        const entries = res[0][1];
        for (const [entryId, flat] of entries) {
          last = entryId.toString();
          const f = fieldsOf(flat);
          const id = f.get('id')?.[0]?.toString();
          const body = f.get('body')?.[0]?.toString();
          const w = id ? this.#waiting.get(id) : undefined;
          if (w && body) {
            this.#waiting.delete(id as string);
            w.resolve(JSON.parse(body) as Reply);
          }
        }
        // what was read is not needed again
        if (entries.length > 0) void this.#cmd.xtrim(stream, 'MINID', nextId(last)).catch(() => undefined);
      } catch (e) {
        if (this.#closed) return;
        this.#log.debug({ reason: (e as Error).message }, 'reply read failed; retrying');
        await pause(200);
      }
    }
  }

  /** Live workers and stream lengths, a few times a second (cheap: one ZRANGE, one HMGET, one XLEN per stream). */
  async #refresh(): Promise<void> {
    while (!this.#closed) {
      try {
        if (isReady(this.#cmd)) {
          const now = Date.now();
          const ids = await this.#cmd.zrangebyscore(WORKERS_KEY, now - WORKER_TTL_MS, '+inf', 'WITHSCORES');
          const seen = new Map<string, number>();
          for (let i = 0; i < ids.length; i += 2) seen.set(ids[i], Number(ids[i + 1]));
          const infos = seen.size > 0 ? await this.#cmd.hmget(WORKER_INFO_KEY, ...seen.keys()) : [];
          this.#workers = infos
            .filter((x): x is string => typeof x === 'string')
            .map((x) => JSON.parse(x) as WorkerInfo)
            .map((w) => ({ ...w, seenAt: seen.get(w.id) }));
          const streams = new Set<string>();
          for (const w of this.#workers) for (const m of w.models) streams.add(jobStream(m));
          const lengths = new Map<string, number>();
          for (const st of streams) lengths.set(st, await this.#cmd.xlen(st));
          this.#lengths = lengths;
        } else {
          this.#workers = [];
        }
      } catch (e) {
        this.#log.debug({ reason: (e as Error).message }, 'worker table refresh failed');
      }
      await pause(this.#o.refreshMs);
    }
  }

  /** Stops reading; requests still waiting get 503 (their jobs may still be answered to nobody). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, w] of this.#waiting) {
      this.#waiting.delete(id);
      w.resolve({
        ok: false,
        error: {
          kind: 'server',
          code: 'SERVER_ERR_SHUTTING_DOWN',
          message: 'The server is shutting down.',
          retryAfter: 5,
        },
      });
    }
    this.#reader.disconnect();
    await Promise.allSettled(this.#loops);
    await this.#cmd.del(replyStream(this.id)).catch(() => undefined);
    this.#cmd.disconnect();
  }
}

/** The id right after `id` (XTRIM MINID keeps ids >= it). */
function nextId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${Number(seq) + 1}`;
}

/** The reply, or 'timeout' after `ms`; rejects with the signal's reason if the client leaves. */
function waitFor(reply: Promise<Reply>, ms: number, gone?: AbortSignal): Promise<Reply | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    const onGone = () => {
      clearTimeout(timer);
      reject(gone?.reason);
    };
    if (gone?.aborted) return onGone();
    gone?.addEventListener('abort', onGone, { once: true });
    reply.then((r) => {
      clearTimeout(timer);
      gone?.removeEventListener('abort', onGone);
      resolve(r);
    });
  });
}
