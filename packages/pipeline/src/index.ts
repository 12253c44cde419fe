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
 *
 * This file is the public surface (`api-report.txt` lists it); every other module lives in
 * src/internal/, which the package's `exports` map never reaches.
 */

// analytics: line crossings, zones, time in zone
export {
  ANCHORS,
  type AnalyticsOptions,
  type Anchor,
  analyticsJson,
  type FrameAnalytics,
  type FrameAnalyticsJson,
  LineCounter,
  type LineCounterOptions,
  type LineCounterResult,
  type LineFrame,
  type LineSpec,
  PipelineAnalytics,
  type Point,
  PolygonZone,
  type PolygonZoneOptions,
  type PolygonZoneResult,
  type SourceAnalyticsTotals,
  TimeInZone,
  type TimeInZoneOptions,
  type TimeInZoneResult,
  type ZoneFrame,
  type ZoneSpec,
} from './internal/analytics/index.js';
export {
  isPipelineError,
  PIPELINE_ERROR_CODES,
  PipelineError,
  type PipelineErrorCode,
} from './internal/errors.js';
export {
  type FfmpegBinaries,
  type FfmpegLocateOptions,
  locateFfmpeg,
  type ProbeResult,
  probeVideo,
} from './internal/ffmpeg/index.js';
export { PACKAGE_NAME } from './internal/package-name.js';
// the pipeline
export { withActiveLearningSink } from './internal/pipeline/active-learning-option.js';
export {
  DEFAULT_MAX_CONSECUTIVE_SINK_ERRORS,
  InferencePipeline,
  type InferencePipelineOptions,
  type OnVideoFrame,
  type PipelineSourceOptions,
  type PipelineState,
} from './internal/pipeline/index.js';
// sinks
export {
  activeLearningSink,
  annotatingRenderer,
  type BufferedBatch,
  type ClosableSink,
  callbackSink,
  drawAnalytics,
  type FrameCallback,
  type FrameRenderer,
  frameMetadata,
  type JsonlSinkOptions,
  jsonlSink,
  type MemorySink,
  type MemorySinkOptions,
  type MjpegPreviewOptions,
  type MjpegPreviewSink,
  type MultiSinkOptions,
  memorySink,
  mjpegPreviewSink,
  multiSink,
  type PipelineActiveLearning,
  type Sink,
  type SinkFunction,
  type UdpInferenceMetadata,
  type UdpSinkOptions,
  udpSink,
  type VideoCodec,
  type VideoFileSink,
  type VideoFileSinkOptions,
  videoFileSink,
} from './internal/sinks/index.js';
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
  type ReconnectOptions,
  type SourceEvent,
  type SourceReference,
  type SourceState,
  type SourceStats,
  VideoSource,
  type VideoSourceOptions,
} from './internal/sources/index.js';
// tracking
export { ByteTrack, type ByteTrackOptions } from './internal/tracking/index.js';
export type { SourceProperties, VideoFrame } from './internal/types.js';
// status events and the watchdog
export {
  type EventContext,
  type LatencyReport,
  type PipelineEventType,
  type PipelineReport,
  PipelineWatchdog,
  type RoboflowPipelineReport,
  type Severity,
  type SourceDescription,
  type SourceReport,
  type StatusEvent,
  type StatusHandler,
  toRoboflowReport,
  type WatchdogOptions,
} from './internal/watchdog/index.js';
