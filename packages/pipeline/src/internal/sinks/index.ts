export { activeLearningSink, type PipelineActiveLearning } from './active-learning.js';
export { callbackSink } from './callback.js';
export { drawAnalytics } from './draw-analytics.js';
export {
  FfmpegVideoWriter,
  ffmpegEncoders,
  type VideoCodec,
  type VideoWriterOptions,
} from './ffmpeg-writer.js';
export { type JsonlSinkOptions, jsonlSink } from './jsonl.js';
export { type BufferedBatch, type MemorySink, type MemorySinkOptions, memorySink } from './memory.js';
export {
  MJPEG_BOUNDARY,
  type MjpegPreviewOptions,
  type MjpegPreviewSink,
  mjpegPreviewSink,
} from './mjpeg-preview.js';
export { type MultiSinkOptions, multiSink } from './multi.js';
export { annotatingRenderer, type FrameRenderer } from './render.js';
export { frameMetadata, frameRecord, predictionJson, stringifyPrediction } from './serialize.js';
export {
  type ClosableSink,
  type FrameCallback,
  forEachFrame,
  type Sink,
  type SinkFunction,
  withClose,
} from './types.js';
export { MAX_UDP_PAYLOAD, type UdpInferenceMetadata, type UdpSinkOptions, udpSink } from './udp.js';
export { type VideoFileSink, type VideoFileSinkOptions, videoFileSink, videoPathFor } from './video-file.js';
