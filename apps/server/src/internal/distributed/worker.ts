import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { InferOptions } from '@inference-ts/core';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { newRequestContext } from '../context.js';
import type { VisualizeOptions } from '../inference/params.js';
import { runInference } from '../inference/run.js';
import type { ServerOptions } from '../options.js';
import { buildServer } from '../server.js';
import {
  ANSWER_SCRIPT,
  ANY_MODEL,
  doneKey,
  fieldsOf,
  GROUP,
  type JobMeta,
  jobStream,
  joinSources,
  type Reply,
  streamsOf,
  toWireError,
  WORKER_INFO_KEY,
  WORKERS_KEY,
  type WorkerInfo,
} from './protocol.js';
import { connectRedis, isReady, pause } from './redis.js';

export interface WorkerOptions {
  /** `redis://host:port`. */
  url: string;
  /** Model ids this worker serves (default: any model a front sends to the shared stream). */
  models?: string[];
  /** The inference side: engine, image policy, run slots, batching (as for a server). */
  server?: ServerOptions;
  /** Jobs held at once (default: the model run slots, so every slot has one job and a read is the next batch). */
  maxInFlight?: number;
  /** A job pending this long on a worker that stopped refreshing it is taken over (default 10 s). */
  claimTimeoutMs?: number;
  /** Heartbeat period (default 1 s). */
  heartbeatMs?: number;
  /** Worker id (default host-pid-random). */
  id?: string;
}

type Entry = [Buffer, Buffer[]];

/**
 * A worker of the scale-out: reads jobs of its models from Redis streams as
 * consumer-group reads of up to `maxInFlight` jobs (that read is the dynamic
 * batch), runs each through the same request path as the server (decode,
 * pixel budget, run slots, batching), answers on the front's reply stream
 * exactly once, and acknowledges. It keeps its running jobs fresh (XCLAIM)
 * and takes over jobs another worker left pending longer than
 * `claimTimeoutMs` (XAUTOCLAIM), so a SIGKILLed worker loses no request.
 * Jobs past their deadline are dropped unopened (the front answered 504).
 */
export class RedisWorker {
  readonly id: string;
  readonly #o: Required<Omit<WorkerOptions, 'models' | 'server' | 'id'>>;
  readonly #app: FastifyInstance;
  readonly #streams: string[];
  readonly #modelKeys: string[];
  readonly #cmd: Redis;
  readonly #reader: Redis;
  /** Running jobs per stream: entry id -> job id. */
  readonly #running = new Map<string, Map<string, string>>();
  #inFlight = 0;
  #slotFreed: (() => void) | undefined;
  #stopping = false;
  readonly #stopped = new AbortController();
  readonly #loops: Promise<void>[] = [];
  readonly #jobs = new Set<Promise<void>>();
  readonly #stats = { jobs: 0, expired: 0, reclaimed: 0, reads: 0, jobsRead: 0 };
  readonly #startedAt = Date.now();

  private constructor(o: WorkerOptions, app: FastifyInstance) {
    this.id = o.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.#app = app;
    this.#o = {
      url: o.url,
      maxInFlight: o.maxInFlight ?? app.services.options.queue.concurrency,
      claimTimeoutMs: o.claimTimeoutMs ?? 10_000,
      heartbeatMs: o.heartbeatMs ?? 1000,
    };
    this.#modelKeys = o.models?.length ? o.models.map((m) => app.services.models.keyFor(m)) : [ANY_MODEL];
    this.#streams = this.#modelKeys.map(jobStream);
    for (const st of this.#streams) this.#running.set(st, new Map());
    const log = app.log;
    this.#cmd = connectRedis(o.url, `worker-${this.id}`, (e) =>
      log.warn({ reason: e.message }, 'redis unreachable; retrying'),
    );
    this.#reader = connectRedis(o.url, `worker-reads-${this.id}`);
    this.#cmd.defineCommand('answer', { numberOfKeys: 3, lua: ANSWER_SCRIPT });
  }

  /**
   * Builds the inference side (models named in `models` are loaded before the
   * worker announces itself), then starts reading.
   */
  static async start(o: WorkerOptions): Promise<RedisWorker> {
    const server: ServerOptions = {
      docs: false,
      legacyRoute: false,
      ...o.server,
      // the inference side runs here: never a front itself
      distributed: undefined,
      preloadModels: [...(o.server?.preloadModels ?? []), ...(o.models ?? [])],
    };
    const app = await buildServer(server);
    await app.ready();
    const w = new RedisWorker(o, app);
    try {
      await w.#modelsLoaded(o.models ?? []);
    } catch (e) {
      await w.stop();
      throw e;
    }
    w.#loops.push(w.#heartbeat(), w.#read(), w.#reclaim());
    return w;
  }

  /** Jobs running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  async #modelsLoaded(models: string[]): Promise<void> {
    for (const m of models) {
      const lease = await this.#app.services.models.lease(this.#app.services.models.keyFor(m), m, undefined);
      lease.release();
    }
  }

  #info(): WorkerInfo {
    return {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      models: this.#modelKeys,
      startedAt: this.#startedAt,
      inFlight: this.#inFlight,
      ...this.#stats,
    };
  }

  async #heartbeat(): Promise<void> {
    while (!this.#stopping) {
      if (isReady(this.#cmd)) {
        try {
          // groups first: a Redis that restarted empty has none, and a front only routes to announced workers
          await this.#ensureGroups();
          await this.#cmd
            .multi()
            .zadd(WORKERS_KEY, Date.now(), this.id)
            .hset(WORKER_INFO_KEY, this.id, JSON.stringify(this.#info()))
            .exec();
          await this.#refreshRunning();
        } catch (e) {
          this.#app.log.debug({ reason: (e as Error).message }, 'heartbeat failed');
        }
      }
      await pause(this.#o.heartbeatMs, this.#stopped.signal);
    }
  }

  async #ensureGroups(): Promise<void> {
    for (const st of this.#streams) {
      try {
        await this.#cmd.xgroup('CREATE', st, GROUP, '0', 'MKSTREAM');
      } catch (e) {
        if (!/BUSYGROUP/.test((e as Error).message)) throw e;
      }
    }
  }

  /** Resets the idle time of running jobs, so only a dead or stalled worker's jobs get taken over. */
  async #refreshRunning(): Promise<void> {
    for (const [st, ids] of this.#running) {
      if (ids.size > 0) await this.#cmd.xclaim(st, GROUP, this.id, 0, ...ids.keys(), 'JUSTID');
    }
  }

  async #waitForSlot(): Promise<void> {
    while (this.#inFlight >= this.#o.maxInFlight && !this.#stopping) {
      await new Promise<void>((r) => {
        this.#slotFreed = r;
      });
    }
  }

  async #read(): Promise<void> {
    const ids = this.#streams.map(() => '>');
    while (!this.#stopping) {
      await this.#waitForSlot();
      if (this.#stopping) return;
      try {
        const free = this.#o.maxInFlight - this.#inFlight;
        const res = streamsOf(
          await this.#reader.callBuffer(
            'XREADGROUP',
            'GROUP',
            GROUP,
            this.id,
            'COUNT',
            String(free),
            'BLOCK',
            '1000',
            'STREAMS',
            ...this.#streams,
            ...ids,
          ),
        );
        let n = 0;
        for (const [stream, entries] of res) {
          n += entries.length;
          for (const e of entries) this.#handle(stream.toString(), e);
        }
        if (n > 0) {
          this.#stats.reads++;
          this.#stats.jobsRead += n;
        }
      } catch (e) {
        if (this.#stopping) return;
        const msg = (e as Error).message;
        if (/NOGROUP/.test(msg) && isReady(this.#cmd)) await this.#ensureGroups().catch(() => undefined);
        else this.#app.log.debug({ reason: msg }, 'stream read failed; retrying');
        await pause(200, this.#stopped.signal);
      }
    }
  }

  /** Takes over jobs left pending longer than the claim timeout (their worker died or stalled). */
  async #reclaim(): Promise<void> {
    const period = Math.max(100, Math.floor(this.#o.claimTimeoutMs / 2));
    while (!this.#stopping) {
      await pause(period, this.#stopped.signal);
      if (this.#stopping || !isReady(this.#cmd)) continue;
      for (const st of this.#streams) {
        const free = this.#o.maxInFlight - this.#inFlight;
        if (free <= 0) break;
        try {
          const res = (await this.#cmd.callBuffer(
            'XAUTOCLAIM',
            st,
            GROUP,
            this.id,
            String(this.#o.claimTimeoutMs),
            '0-0',
            'COUNT',
            String(free),
          )) as [Buffer, Entry[], Buffer[]?];
          for (const e of res[1]) {
            // entries deleted meanwhile come back without fields
            if (!e?.[1]) continue;
            if (this.#running.get(st)?.has(e[0].toString())) continue;
            this.#stats.reclaimed++;
            this.#handle(st, e);
          }
        } catch (e) {
          this.#app.log.debug({ reason: (e as Error).message }, 'reclaim failed');
        }
      }
    }
  }

  #handle(stream: string, [entryId, flat]: Entry): void {
    const eid = entryId.toString();
    const f = fieldsOf(flat);
    const jobId = f.get('id')?.[0]?.toString() ?? eid;
    const reply = f.get('reply')?.[0]?.toString();
    const deadline = Number(f.get('deadline')?.[0]?.toString());
    this.#inFlight++;
    this.#running.get(stream)?.set(eid, jobId);
    const p = this.#run(stream, eid, jobId, reply, deadline, f).finally(() => {
      this.#inFlight--;
      this.#running.get(stream)?.delete(eid);
      this.#jobs.delete(p);
      const wake = this.#slotFreed;
      this.#slotFreed = undefined;
      wake?.();
    });
    this.#jobs.add(p);
  }

  async #run(
    stream: string,
    eid: string,
    jobId: string,
    reply: string | undefined,
    deadline: number,
    f: Map<string, Buffer[]>,
  ): Promise<void> {
    if (!reply || !(deadline > Date.now())) {
      // expired (the front has answered 504) or malformed: drop without running
      this.#stats.expired++;
      await this.#cmd
        .multi()
        .xack(stream, GROUP, eid)
        .xdel(stream, eid)
        .exec()
        .catch(() => undefined);
      return;
    }
    let answer: Reply;
    try {
      const meta = JSON.parse(f.get('meta')?.[0]?.toString() ?? '{}') as JobMeta;
      const out = await runInference(this.#app.services, newRequestContext(), {
        modelId: f.get('model')?.[0]?.toString() ?? '',
        apiKey: meta.apiKey,
        sources: joinSources(meta.sources, f.get('img') ?? []),
        options: meta.options as InferOptions,
        visualize: meta.visualize as VisualizeOptions | undefined,
      });
      answer = {
        ok: true,
        results: out.results.map((r, i) => {
          const json: object = r.toJSON();
          const vis = out.visualizations?.[i];
          return vis ? { ...json, visualization: vis.toString('base64') } : json;
        }),
      };
    } catch (e) {
      answer = { ok: false, error: toWireError(e) };
    }
    const ttl = Math.max(0, deadline - Date.now()) + 60_000;
    try {
      await (
        this.#cmd as unknown as {
          answer(...a: (string | number)[]): Promise<unknown>;
        }
      ).answer(doneKey(jobId), reply, stream, ttl, jobId, JSON.stringify(answer), GROUP, eid);
      this.#stats.jobs++;
    } catch (e) {
      // Redis is away: the job stays pending and is taken over (and answered) once it is back
      this.#app.log.warn(
        { job: jobId, reason: (e as Error).message },
        'could not answer a job; it will be retried',
      );
    }
  }

  /**
   * Stops reading, lets running jobs finish (at most `timeoutMs`), leaves the
   * live-worker table and closes the connections and the inference side.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#stopped.abort();
    this.#slotFreed?.();
    this.#reader.disconnect();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#jobs]),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await Promise.allSettled(this.#loops);
    if (isReady(this.#cmd)) {
      await this.#cmd
        .multi()
        .zrem(WORKERS_KEY, this.id)
        .hdel(WORKER_INFO_KEY, this.id)
        .exec()
        .catch(() => undefined);
    }
    this.#cmd.disconnect();
    await this.#app.close();
  }
}
