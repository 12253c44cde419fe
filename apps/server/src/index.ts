/**
 * @inference-ts/server: the Roboflow-compatible HTTP inference server.
 *
 * @example
 * import { buildServer } from '@inference-ts/server';
 * const app = await buildServer({ preloadModels: ['pp-ocr'] });
 * await app.listen({ port: 9001, host: '0.0.0.0' });
 */
export const PACKAGE_NAME = '@inference-ts/server';
export { apiKeysFromEnv, readApiKeysFile } from './api-keys-file.js';
export { optionsFromEnv, type ServerConfig, workerFromEnv } from './config.js';
export { type FrontOptions, RemoteInference } from './distributed/front.js';
export { listWorkers, type WorkerListing } from './distributed/list.js';
export type { WorkerInfo } from './distributed/protocol.js';
export { redisUrlFrom } from './distributed/redis.js';
export { type RunWorkerOptions, runWorker } from './distributed/run-worker.js';
export { RedisWorker, type WorkerOptions } from './distributed/worker.js';
export { type MappedError, mapError } from './error-mapper.js';
export { SERVER_ERROR_CODES, ServerError, type ServerErrorCode } from './errors.js';
export {
  type ImageInputPolicy,
  type ModelIdPolicy,
  type QueueOptions,
  type ResolvedServerOptions,
  resolveServerOptions,
  type ServerOptions,
} from './options.js';
export { isFirstProcess, isForked, processesFromEnv, runProcesses } from './scale/processes.js';
export { buildServer, closeGracefully } from './server.js';
export type { Services } from './services/index.js';
export { ModelQueue, QueueSet, type Ticket } from './services/queue.js';
export { type RunningServer, type StartOptions, startServer } from './start.js';
