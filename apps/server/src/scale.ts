/**
 * @inference-ts/server/scale: running the server on more than one process.
 * Several server processes on one port (node:cluster, `SERVER_PROCESSES`), and the
 * scale-out on Redis: HTTP fronts (`ServerOptions.distributed`) and workers.
 */

// Redis workers: their settings from the environment, the front's options, list, start
export { workerFromEnv } from './internal/config.js';
export type { FrontOptions } from './internal/distributed/front.js';
export { listWorkers, type WorkerListing } from './internal/distributed/list.js';
export { redisUrlFrom } from './internal/distributed/redis.js';
export { type RunWorkerOptions, runWorker } from './internal/distributed/run-worker.js';
export type { RedisWorker } from './internal/distributed/worker.js';
// several server processes sharing one port
export {
  isFirstProcess,
  isForked,
  processesFromEnv,
  processShareEnv,
  runProcesses,
} from './internal/scale/processes.js';
