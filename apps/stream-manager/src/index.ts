/**
 * @inference-ts/stream-manager: inference pipelines as a service. One OS process per
 * pipeline, Roboflow's `/inference_pipelines/*` HTTP API, simple workflows, desired
 * state in SQLite, and a live web console.
 *
 * The public surface is this file; every other module is internal (src/internal/, which
 * the `exports` map does not reach). The `inference-stream-manager` bin (dist/bin.js) runs
 * the manager with settings from the environment. `api-report.txt` lists every exported
 * name and a test compares it.
 *
 * @example
 * import { StreamManager, StreamManagerHttp } from '@inference-ts/stream-manager';
 * const manager = new StreamManager({ stateDir: '/var/lib/inference/streams' });
 * await manager.restore();
 * const http = new StreamManagerHttp(manager);
 * console.log(await http.listen({ port: 7070 }));   // http://127.0.0.1:7070
 */

// settings from the environment (what the bin reads)
export { type StreamManagerConfig, streamManagerConfig } from './internal/config.js';
// errors: stable codes, and the body Roboflow's manager answers them with
export {
  isStreamManagerError,
  roboflowErrorBody,
  STREAM_ERROR_CODES,
  type StreamErrorCode,
  StreamManagerError,
} from './internal/errors.js';
// the manager and its HTTP API (Roboflow's /inference_pipelines/*, the console); or both in one call
export { StreamManagerHttp, type StreamManagerHttpOptions } from './internal/http.js';
export { startStreamManager } from './internal/main.js';
export {
  type PipelineProcessState,
  type PipelineSummary,
  StreamManager,
  type StreamManagerOptions,
} from './internal/manager.js';
// the manager as a supervised child process (how the server runs it)
export { ManagerProcess, type ManagerProcessOptions } from './internal/manager-process.js';
// what the manager reports about a pipeline
export type { ConsumeValue, PreviewValue, StatusValue } from './internal/protocol.js';
