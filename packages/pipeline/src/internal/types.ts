import type { RgbImage } from '@inference-ts/core';
import type { FrameAnalytics } from './analytics/frame-analytics.js';

/** What a source is, discovered when it connects. */
export interface SourceProperties {
  width: number;
  height: number;
  /** Declared frames per second (container/stream metadata); 0 when unknown. */
  fps: number;
  /** Frame count for files when known. */
  totalFrames?: number;
  /** Files are read at their own pace and end; streams are live. */
  isFile: boolean;
}

/** One decoded frame from a source. */
export interface VideoFrame {
  image: RgbImage;
  /** Monotonic per source from 1 (as Roboflow), counting dropped frames, never reset on reconnection. */
  frameId: number;
  /** ms since epoch: position-derived for files (start time + pts), wall clock at decode for streams. */
  frameTimestamp: number;
  /** Index of the source in the pipeline's source list. */
  sourceId: number;
  /** Declared fps of the source. */
  fps: number;
  /** Fps measured over recent frames. */
  measuredFps?: number;
  /** performance.now() when the frame left the decoder (for latency reports). */
  decodedAt: number;
  /** True when the frame comes from a file (or an image sequence): Roboflow's `comes_from_video_file`. Always set by `VideoSource`. */
  isFile?: boolean;
  /** Presentation time in seconds from the start of the file (files and image sequences with an fps). */
  ptsSec?: number;
  /** Line and zone analytics of this frame, set by the pipeline when it has `analytics`. */
  analytics?: FrameAnalytics;
}
