/**
 * @inference-ts/stream-manager: inference pipelines as a service. One OS process per
 * pipeline, Roboflow's `/inference_pipelines/*` HTTP API, simple workflows, desired
 * state in SQLite, and a live web console.
 *
 * @example
 * import { StreamManager, StreamManagerHttp } from '@inference-ts/stream-manager';
 * const manager = new StreamManager({ stateDir: '/var/lib/inference/streams' });
 * await manager.restore();
 * const http = new StreamManagerHttp(manager);
 * console.log(await http.listen({ port: 7070 }));   // http://127.0.0.1:7070
 */
export const PACKAGE_NAME = '@inference-ts/stream-manager';

export { type StreamManagerConfig, streamManagerConfig } from './internal/config.js';
export { consolePage } from './internal/console-page.js';
export {
  isStreamManagerError,
  ROBOFLOW_EXCEPTION,
  type RoboflowErrorType,
  roboflowErrorBody,
  STREAM_ERROR_CODES,
  type StreamErrorCode,
  StreamManagerError,
} from './internal/errors.js';
export { StreamManagerHttp, type StreamManagerHttpOptions } from './internal/http.js';
export { startStreamManager } from './internal/main.js';
export {
  type PipelineProcessState,
  type PipelineSummary,
  StreamManager,
  type StreamManagerOptions,
} from './internal/manager.js';
export { ManagerProcess, type ManagerProcessOptions } from './internal/manager-process.js';
export { type PipelineSpec, parseInitPayload } from './internal/payload.js';
export type { ConsumeValue, PreviewValue, SourceSummary, StatusValue } from './internal/protocol.js';
export { compileWorkflow } from './internal/workflow/compile.js';
