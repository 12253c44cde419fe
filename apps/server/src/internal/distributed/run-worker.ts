import type { ServerOptions } from '../options.js';
import { RedisWorker } from './worker.js';

export interface RunWorkerOptions {
  /** `redis://host:port` (the entry points take it from a flag, REDIS_URL or REDIS_HOST/REDIS_PORT). */
  url: string | undefined;
  models?: string[];
  server?: ServerOptions;
  claimTimeoutMs?: number;
  /** Where the ready line goes (default stdout). */
  write?: (text: string) => void;
}

/**
 * Starts a worker in the foreground: prints `worker <id> ready (models)` once
 * its models are loaded, and on SIGINT/SIGTERM finishes its running jobs
 * (at most SHUTDOWN_TIMEOUT_MS) and exits; a second signal exits at once.
 */
export async function runWorker(o: RunWorkerOptions): Promise<RedisWorker> {
  const url = o.url;
  if (!url)
    throw new Error('no Redis given: pass --redis redis://host:port or set REDIS_HOST (and REDIS_PORT)');
  const worker = await RedisWorker.start({
    url,
    models: o.models,
    server: o.server,
    claimTimeoutMs: o.claimTimeoutMs,
  });
  const write = o.write ?? ((t: string) => process.stdout.write(t));
  write(`worker ${worker.id} ready (${o.models?.length ? o.models.join(', ') : 'any model'}) on ${url}\n`);
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(1);
    stopping = true;
    void worker.stop(o.server?.shutdownTimeoutMs ?? 30_000).finally(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return worker;
}
