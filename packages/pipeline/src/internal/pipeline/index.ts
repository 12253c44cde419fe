export {
  DEFAULT_MAX_CONSECUTIVE_SINK_ERRORS,
  InferencePipeline,
  type PipelineState,
} from './inference-pipeline.js';
export type { InferencePipelineOptions, PipelineSourceOptions } from './options.js';
export { modelHandler, type OnVideoFrame, SourceTrackers } from './process.js';
export { BoundedQueue } from './queue.js';
export { sourceStatusEvent } from './source-events.js';
