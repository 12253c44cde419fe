/**
 * @inference-ts/pipeline: stream video (files, RTSP/HTTP/HLS, webcams, image folders,
 * custom producers) through a model or custom logic into sinks, with tracking, status
 * events and a watchdog report.
 *
 * @example
 * import { InferencePipeline, videoFileSink } from '@inference-ts/pipeline';
 * const pipeline = await InferencePipeline.init({
 *   videoReference: 'in.mp4',
 *   model: './models/yolov8n',
 *   track: true,
 *   onPrediction: videoFileSink('annotated.mp4'),
 * });
 * await pipeline.start();
 * await pipeline.join();
 */
export const PACKAGE_NAME = '@inference-ts/pipeline';

// analytics: line crossings, zones, time in zone
export * from './analytics/index.js';

export {
  isPipelineError,
  PIPELINE_ERROR_CODES,
  PipelineError,
  type PipelineErrorCode,
} from './errors.js';
export {
  type FfmpegBinaries,
  type FfmpegLocateOptions,
  locateFfmpeg,
  type ProbeResult,
  probeVideo,
} from './ffmpeg/index.js';
export { withActiveLearningSink } from './pipeline/active-learning-option.js';
// the pipeline
export {
  BoundedQueue,
  DEFAULT_MAX_CONSECUTIVE_SINK_ERRORS,
  InferencePipeline,
  type InferencePipelineOptions,
  modelHandler,
  type OnVideoFrame,
  type PipelineSourceOptions,
  type PipelineState,
  SourceTrackers,
  sourceStatusEvent,
} from './pipeline/index.js';
// sinks
export * from './sinks/index.js';
// sources (decoding, buffering, multiplexing)
export {
  type AdaptiveOptions,
  type AdaptiveStallOptions,
  type BufferConsumptionStrategy,
  type BufferFillingStrategy,
  type DropCause,
  FrameBuffer,
  type FrameProducer,
  type MultiplexOptions,
  multiplexSources,
  type OfferResult,
  type ReconnectOptions,
  redactReference,
  redactText,
  type SourceEvent,
  type SourceReference,
  type SourceState,
  type SourceStats,
  StallLimit,
  VideoSource,
  type VideoSourceOptions,
} from './sources/index.js';
// tracking
export * from './tracking/index.js';
export type { SourceProperties, VideoFrame } from './types.js';

// status events and the watchdog
export * from './watchdog/index.js';
