/**
 * @inference-ts/server: the Roboflow-compatible HTTP inference server.
 *
 * The public surface is this file and `@inference-ts/server/scale` (src/scale.ts: several
 * processes on one port, and the Redis front + workers); every other module is internal
 * (src/internal/, which the `exports` map does not reach). The process entry points are
 * dist/main.js (the server, settings from the environment) and dist/worker-main.js (a
 * Redis worker). `api-report.txt` lists every exported name and a test compares it.
 *
 * @example
 * import { buildServer } from '@inference-ts/server';
 * const app = await buildServer({ preloadModels: ['pp-ocr'] });
 * await app.listen({ port: 9001, host: '0.0.0.0' });
 */

// options from the environment: what `node dist/main.js` and the container read
export { readApiKeysFile } from './internal/api-keys-file.js';
export { optionsFromEnv, type ServerConfig } from './internal/config.js';
// errors: stable codes, each with its HTTP status
export { SERVER_ERROR_CODES, ServerError, type ServerErrorCode } from './internal/errors.js';
// options (all optional; defaults in the README)
export type { ImageInputPolicy, ModelIdPolicy, QueueOptions, ServerOptions } from './internal/options.js';
// embed it: the fastify app, and its graceful close
export { buildServer, closeGracefully } from './internal/server.js';
// start it: listen, print the banner, stop cleanly on signals
export { type RunningServer, type StartOptions, startServer } from './internal/start.js';
