import { Redis } from 'ioredis';

type Env = Record<string, string | undefined>;

/**
 * Where Redis is: a `redis://host:port` flag, else REDIS_URL, else Roboflow's
 * REDIS_HOST / REDIS_PORT (default port 6379); undefined when none is set.
 */
export function redisUrlFrom(flag: string | undefined, env: Env = process.env): string | undefined {
  if (flag) return flag;
  if (env.REDIS_URL) return env.REDIS_URL;
  if (env.REDIS_HOST) return `redis://${env.REDIS_HOST}:${env.REDIS_PORT || 6379}`;
  return undefined;
}

/**
 * A connection that fails commands at once while Redis is unreachable (no
 * offline queue: a request gets its 503 now, not after a retry storm) and
 * reconnects by itself every ≤ 500 ms. Errors go to `onError` (once per
 * outage) instead of crashing the process.
 */
export function connectRedis(url: string, name: string, onError?: (e: Error) => void): Redis {
  const r = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(50 * times, 500),
    lazyConnect: false,
  });
  let reported = false;
  r.on('error', (e: Error) => {
    if (!reported) onError?.(e);
    reported = true;
  });
  r.on('ready', () => {
    reported = false;
  });
  return r;
}

/** True while the connection can take commands. */
export const isReady = (r: Redis) => r.status === 'ready';

/** Resolves after `ms` (loops that wait out a Redis outage), or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal?.addEventListener('abort', done, { once: true });
  });
}
