import { Redis } from 'ioredis';
import { jobStream, WORKER_INFO_KEY, WORKER_TTL_MS, WORKERS_KEY, type WorkerInfo } from './protocol.js';

export interface WorkerListing extends WorkerInfo {
  live: boolean;
  /** Jobs waiting or running in each of its models' streams. */
  queued: Record<string, number>;
}

/** Every worker that announced itself (live or gone quiet), with its models' stream lengths. */
export async function listWorkers(url: string, timeoutMs = 5000): Promise<WorkerListing[]> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const now = Date.now();
    const scored = await r.zrangebyscore(WORKERS_KEY, '-inf', '+inf', 'WITHSCORES');
    const seen = new Map<string, number>();
    for (let i = 0; i < scored.length; i += 2) seen.set(scored[i], Number(scored[i + 1]));
    const infos = seen.size > 0 ? await r.hmget(WORKER_INFO_KEY, ...seen.keys()) : [];
    const out: WorkerListing[] = [];
    for (const x of infos) {
      if (!x) continue;
      const w = JSON.parse(x) as WorkerInfo;
      const seenAt = seen.get(w.id) ?? 0;
      const queued: Record<string, number> = {};
      for (const m of w.models) queued[m] = await r.xlen(jobStream(m));
      out.push({ ...w, seenAt, live: now - seenAt < WORKER_TTL_MS, queued });
    }
    return out;
  } finally {
    r.disconnect();
  }
}
