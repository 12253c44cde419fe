import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { serveClusterMetrics } from './cluster-metrics.js';
import { relayModelOps } from './cluster-models.js';
import { availableMemory, DEFAULT_MAX_IMAGE_PIXELS, defaultDecodeBudget, defaultRunSlots } from './sizing.js';

type Env = Record<string, string | undefined>;

/**
 * SERVER_PROCESSES: how many server processes share the port (node:cluster).
 * A number, or `auto`, the default: one per 4 cores, so a machine of up to 7
 * cores runs one process, and a bigger one spreads the per-request work
 * (body parsing, base64, preprocessing, JSON) over several event loops, each
 * with its share of the cores. One event loop was the wall on 16 cores (the
 * issue's figures), and two processes served more than one on 2 cores
 * (docs/architecture.md).
 */
export function processesFromEnv(env: Env = process.env, cores = availableParallelism()): number {
  const v = env.SERVER_PROCESSES?.trim() || 'auto';
  if (v === 'auto') return Math.max(1, Math.floor(cores / 4));
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new TypeError(`SERVER_PROCESSES must be an integer >= 1 or auto, got "${v}"`);
  return n;
}

/**
 * The environment each of `n` server processes starts with. The defaults for
 * sessions, run slots and the decoded-pixel budget are sized from the whole
 * machine, so without this every process would take all of it (n times the
 * run slots and pixel memory of one server); each gets 1/n of the cores and
 * memory instead. Values the user set are kept.
 *
 * @example
 * processShareEnv(4, {}, 16, 64 * 2 ** 30);
 * // { ORT_CORES: '4', MODEL_CONCURRENCY: '8', MAX_DECODED_PIXELS: '178956970' }
 */
export function processShareEnv(
  n: number,
  env: Env = process.env,
  cores = availableParallelism(),
  memory = availableMemory(),
): Record<string, string> {
  const share = Math.max(1, Math.floor(cores / n));
  const memoryShare = memory / n;
  const maxImage = Number(env.MAX_IMAGE_PIXELS);
  const largest = Number.isInteger(maxImage) && maxImage > 0 ? maxImage : DEFAULT_MAX_IMAGE_PIXELS;
  return {
    // adaptive sessions over the share: one all-threads session for a lone request, one
    // single-thread worker-thread session per core for concurrent ones
    ORT_CORES: env.ORT_CORES ?? String(share),
    MODEL_CONCURRENCY: env.MODEL_CONCURRENCY ?? String(defaultRunSlots(share, memoryShare)),
    MAX_DECODED_PIXELS: env.MAX_DECODED_PIXELS ?? String(defaultDecodeBudget(largest, memoryShare)),
  };
}

/** True in a process forked by `runProcesses` (not the one the user started). */
export const isForked = () => cluster.isWorker;

/** True in the process that should print the banner (the only one, or the first of a cluster). */
export const isFirstProcess = () => !cluster.isWorker || cluster.worker?.id === 1;

/** What a forked process tells the primary once `start` has resolved. */
const READY = 'inference:process-ready';

/**
 * Runs `start` in `n` processes that share the listening port: the primary
 * forks them (each with an equal share of the machine, see `processShareEnv`),
 * replaces one that dies after it started, and on SIGINT/SIGTERM passes the
 * signal on and exits when they have. A process that exits before its `start`
 * resolved (port taken, bad setting, model that cannot load) stops them all
 * and the primary exits 1, as one process would: the others would only fail
 * the same way, again and again. With n = 1, or inside a forked process, it
 * just runs `start`. Forked processes exit with their primary (node:cluster
 * closes their IPC channel).
 */
export async function runProcesses(
  n: number,
  start: () => Promise<unknown>,
  log: (line: string) => void = () => {},
  kind: 'server' | 'worker' = 'server',
): Promise<void> {
  if (n <= 1 || cluster.isWorker) {
    await start();
    if (cluster.isWorker) process.send?.({ type: READY });
    return;
  }
  const env = processShareEnv(n);
  serveClusterMetrics();
  relayModelOps();
  const where = kind === 'server' ? ' on one port' : '';
  const each = env.ORT_CORES === '1' ? '1 core' : `${env.ORT_CORES} cores`;
  log(`${n} ${kind} processes${where}, ${each} each (SERVER_PROCESSES / --processes)`);
  let stopping = false;
  let failed = false;
  const started = new Set<number>();
  cluster.on('message', (w, msg: { type?: string }) => {
    if (msg?.type === READY) started.add(w.id);
  });
  for (let i = 0; i < n; i++) cluster.fork(env);
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping && !started.has(worker.id)) {
      log(`${kind} process ${worker.process.pid} failed to start (${signal ?? code}); stopping`);
      failed = true;
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    }
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    log(`${kind} process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(() => cluster.fork(env), 1000).unref();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
