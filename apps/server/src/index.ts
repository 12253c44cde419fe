/**
 * @inference-ts/server: the Roboflow-compatible HTTP inference server.
 *
 * @example
 * import { buildServer } from '@inference-ts/server';
 * const app = await buildServer({ preloadModels: ['pp-ocr'] });
 * await app.listen({ port: 9001, host: '0.0.0.0' });
 */
export const PACKAGE_NAME = '@inference-ts/server';
export { apiKeysFromEnv, readApiKeysFile } from './internal/api-keys-file.js';
export { optionsFromEnv, type ServerConfig, workerFromEnv } from './internal/config.js';
export { type FrontOptions, RemoteInference } from './internal/distributed/front.js';
export { listWorkers, type WorkerListing } from './internal/distributed/list.js';
export type { WorkerInfo } from './internal/distributed/protocol.js';
export { redisUrlFrom } from './internal/distributed/redis.js';
export { type RunWorkerOptions, runWorker } from './internal/distributed/run-worker.js';
export { RedisWorker, type WorkerOptions } from './internal/distributed/worker.js';
export { type MappedError, mapError } from './internal/error-mapper.js';
export { SERVER_ERROR_CODES, ServerError, type ServerErrorCode } from './internal/errors.js';
export {
  type ImageInputPolicy,
  type ModelIdPolicy,
  type QueueOptions,
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerOptions,
} from './internal/options.js';
export { isFirstProcess, isForked, processesFromEnv, runProcesses } from './internal/scale/processes.js';
export { buildServer, closeGracefully } from './internal/server.js';
export type { Services } from './internal/services/index.js';
export { ModelQueue, QueueSet, type Ticket } from './internal/services/queue.js';
export { type RunningServer, type StartOptions, startServer } from './internal/start.js';
