import type { InferenceEngine, InferOptions, VisionModel } from '@inference-ts/core';
import type { AnalyticsOptions } from '../analytics/pipeline-analytics.js';
import type { PipelineActiveLearning } from '../sinks/active-learning.js';
import type { Sink } from '../sinks/types.js';
import type {
  BufferConsumptionStrategy,
  BufferFillingStrategy,
  SourceReference,
  VideoSourceOptions,
} from '../sources/types.js';
import type { ByteTrackOptions } from '../tracking/byte-track.js';
import type { StatusHandler } from '../watchdog/events.js';
import type { WatchdogOptions } from '../watchdog/watchdog.js';
import type { OnVideoFrame } from './process.js';

/** Source settings applied to every source (the pipeline sets the others itself). */
export type PipelineSourceOptions = Omit<
  VideoSourceOptions,
  'sourceId' | 'onEvent' | 'maxFps' | 'fillingStrategy' | 'consumptionStrategy' | 'failOnFirstConnect'
>;

/**
 * Options of `InferencePipeline.init`. Give either `model` (a core model runs on each
 * batch) or `onVideoFrame` (custom logic).
 */
export interface InferencePipelineOptions<P = unknown> {
  /**
   * One source or a list (source ids are list positions): a file path, an
   * rtsp/rtmp/http(s) URL, a webcam index, an image directory/glob, or a frame producer.
   */
  videoReference: SourceReference | readonly SourceReference[];
  /** A model id (resolved through `engine`, or a private engine) or a loaded `Model`. */
  model?: string | VisionModel;
  /** Engine resolving `model` ids. Without it a private engine is made and disposed at the end. */
  engine?: InferenceEngine;
  /** Custom logic instead of a model: one prediction per frame, same order. */
  onVideoFrame?: OnVideoFrame<P>;
  /** Sink(s) receiving every batch; several are isolated from one another (`multiSink`). */
  onPrediction?: Sink<P> | readonly Sink<P>[];
  /**
   * Active learning on every frame's prediction: an `activeLearningSink` is added after
   * the given sinks (`modelId` defaults to the `model` option's id).
   */
  activeLearning?: Omit<PipelineActiveLearning, 'modelId'> & { modelId?: string };
  /** Rate cap per source (files are paced, live sources drop). */
  maxFps?: number;
  /** ByteTrack per source on predictions with detections; `true` = supervision defaults. */
  track?: boolean | ByteTrackOptions;
  /**
   * Line counters, polygon zones and time in zone per source, on the tracked detections
   * (turns tracking on). Each frame's result is `frame.analytics` in the sinks; totals are
   * in `report().analytics`. Geometry is checked by `init`.
   */
  analytics?: AnalyticsOptions;
  /** Post-processing parameters for `model` (confidence, iouThreshold, classFilter, ...). */
  inferOptions?: InferOptions;
  /** Default: WAIT for files, DROP_OLDEST for live sources. */
  sourceBufferFillingStrategy?: BufferFillingStrategy;
  /** Default: LAZY for files, EAGER for live sources. */
  sourceBufferConsumptionStrategy?: BufferConsumptionStrategy;
  /** Longest wait for the rest of a multi-source batch (default: wait for every running source). */
  batchCollectionTimeoutMs?: number;
  /** A live source whose first connection fails ends instead of retrying (default false). */
  failOnFirstConnect?: boolean;
  /** Status event handler(s); must be fast, exceptions are swallowed. */
  onStatusUpdate?: StatusHandler | readonly StatusHandler[];
  /** Settings for every source (size, bufferSize, reconnect, timeouts, ffmpeg, ...). */
  sourceOptions?: PipelineSourceOptions;
  /** Batches waiting for the sinks at most (default 8); inference waits when full. */
  predictionsQueueSize?: number;
  /** End the pipeline on the first model/handler failure (default false: the batch is skipped, an INFERENCE_ERROR event is sent). */
  stopOnInferenceError?: boolean;
  /**
   * A sink failing on this many batches in a row stops the pipeline in ERROR
   * (`PIPE_ERR_SINK_ERROR_LIMIT`, a `PIPELINE_STOPPED` event, `pipeline.failure`).
   * Default 10; `Infinity` never stops (every failure stays an event).
   */
  maxConsecutiveSinkErrors?: number;
  /** Close the sinks when the pipeline ends, or when `init`/`start` fails (default true). */
  closeSinks?: boolean;
  /** Bound on `terminate()` waiting for a running model or sink call (default 5000 ms). */
  terminateTimeoutMs?: number;
  /**
   * Bound on waiting for the sinks to close at the end (default 15 000 ms; above the video
   * sink's own 10 s kill bound, so its ffmpeg is reaped before `join()`/`terminate()` return).
   */
  sinkCloseTimeoutMs?: number;
  /** Watchdog window sizes. */
  watchdog?: WatchdogOptions;
  /**
   * Reuse the pixel buffers of decoded frames: once every sink returned for a batch, its
   * frames' `image.data` is filled with later frames (no allocation per frame, far fewer
   * garbage collections). Only for sinks that copy what they keep past their call (and
   * their promise); ignored with `activeLearning`, whose sink keeps images. Default false.
   */
  recycleFrames?: boolean;
}
