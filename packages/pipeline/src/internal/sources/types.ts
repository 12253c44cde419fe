import type { RgbImage } from '@inference-ts/core';
import type { PipelineError } from '../errors.js';
import type { FfmpegLocateOptions } from '../ffmpeg/locate.js';
import type { SourceProperties, VideoFrame } from '../types.js';
import type { AdaptiveStallOptions } from './stall.js';

/**
 * Lifecycle of a `VideoSource`:
 * NOT_STARTED -start-> INITIALISING -> RUNNING | PAUSED | MUTED;
 * a live source that fails or ends goes RESTARTING (back-off, reconnect) -> RUNNING;
 * a file ends ENDED; a fatal failure is ERROR; terminate() goes TERMINATING -> ENDED
 * (ERROR stays ERROR).
 */
export type SourceState =
  | 'NOT_STARTED'
  | 'INITIALISING'
  | 'RESTARTING'
  | 'RUNNING'
  | 'PAUSED'
  | 'MUTED'
  | 'ENDED'
  | 'TERMINATING'
  | 'ERROR';

/**
 * What happens when a decoded frame meets a full buffer.
 * - WAIT: stop reading the decoder until there is room (back-pressure, nothing lost).
 * - DROP_OLDEST: evict the oldest buffered frame (freshness).
 * - DROP_LATEST: discard the new frame.
 * - ADAPTIVE_*: additionally drop frames before buffering while frames arrive faster
 *   than the consumer reads them (see `AdaptiveOptions`), then behave as DROP_*.
 */
export type BufferFillingStrategy =
  | 'WAIT'
  | 'DROP_OLDEST'
  | 'DROP_LATEST'
  | 'ADAPTIVE_DROP_OLDEST'
  | 'ADAPTIVE_DROP_LATEST';

/** LAZY: `read()` returns the oldest buffered frame. EAGER: the newest; older ones are discarded (and counted). */
export type BufferConsumptionStrategy = 'LAZY' | 'EAGER';

/** Why a frame was dropped. */
export type DropCause = 'buffer_full' | 'eager_skip' | 'rate_limit' | 'muted' | 'adaptive' | 'purged';

/** Event severities, ordered debug < info < warning < error. */
export type Severity = 'debug' | 'info' | 'warning' | 'error';

interface EventBase {
  sourceId: number;
  severity: Severity;
  /** ms since epoch. */
  timestamp: number;
}

/**
 * Everything a source reports through `onEvent`. References and errors in
 * events are redacted (no URL credentials).
 */
export type SourceEvent =
  | (EventBase & { type: 'state'; previous: SourceState; state: SourceState })
  | (EventBase & { type: 'connected'; properties: SourceProperties; reconnection: boolean })
  | (EventBase & { type: 'frame_dropped'; frameId: number; frameTimestamp: number; cause: DropCause })
  | (EventBase & { type: 'reconnecting'; attempt: number; delayMs: number; reason: string })
  | (EventBase & { type: 'error'; error: PipelineError; context: 'connect' | 'decode' | 'producer' })
  | (EventBase & { type: 'ended' });

/**
 * A user-supplied frame producer: an async (or sync) iterable of images, or a
 * pull function returning the next image or null at the end.
 * @example
 * const producer: FrameProducer = async function* () { yield { data, width: 2, height: 2 }; }();
 */
export type FrameProducer =
  | AsyncIterable<RgbImage>
  | Iterable<RgbImage>
  | (() => Promise<RgbImage | null> | RgbImage | null);

/** Anything `VideoSource.create` accepts. */
export type SourceReference = string | number | FrameProducer;

/** Reconnection back-off: delay = min(maxDelayMs, initialDelayMs × factor^attempt). */
export interface ReconnectOptions {
  /** First delay (default 500 ms). */
  initialDelayMs?: number;
  /** Cap (default 10 000 ms). */
  maxDelayMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
}

/** Adaptive-drop tuning (ADAPTIVE_* strategies). */
export interface AdaptiveOptions {
  /** Drop while arrival fps exceeds read fps by more than this (default 5). */
  paceToleranceFps?: number;
  /** No adaptive drop before this many frames arrived and were read (default 10). */
  minimumSamples?: number;
  /** Never drop more than this many in a row (default 16). */
  maxDroppedInRow?: number;
}

/** Options of `VideoSource.create`. Every field is optional. */
export interface VideoSourceOptions {
  /** Index of the source among the pipeline's sources (default 0). */
  sourceId?: number;
  /** Deliver frames at this size (ffmpeg scales); native size by default. */
  size?: { width: number; height: number };
  /**
   * Buffer capacity in frames. Default: files/images/producers 64 frames, capped
   * to 256 MiB of pixels (at least 2); live streams 2 (EAGER reads take the newest anyway).
   */
  bufferSize?: number;
  /** Default: WAIT for files, images and producers; DROP_OLDEST for live sources. */
  fillingStrategy?: BufferFillingStrategy;
  /** Default: LAZY for files, images and producers; EAGER for live sources. */
  consumptionStrategy?: BufferConsumptionStrategy;
  adaptive?: AdaptiveOptions;
  /**
   * Rate cap. Files: `read()` is paced to at most this rate and no frame is
   * dropped (unlike Roboflow, which can drop file frames when rate limiting).
   * Live sources: frames above the rate are dropped (cause `rate_limit`).
   */
  maxFps?: number;
  /** RTSP transport (default 'tcp'). */
  rtspTransport?: 'tcp' | 'udp';
  /** Webcam capture settings (V4L2). */
  webcam?: { width?: number; height?: number; fps?: number; inputFormat?: string };
  /** Extra ffmpeg flags placed before `-i`. */
  inputArgs?: string[];
  /**
   * ffmpeg decoding threads: a count, or 'auto' (ffmpeg's choice: about one per core).
   * Default: 1 for files of at most 1280×720, 'auto' otherwise. One thread decodes small
   * frames with the least CPU per frame (frame threading adds hand-offs), which matters
   * when several sources share the cores; large frames and live streams keep ffmpeg's
   * threads for speed.
   */
  decoderThreads?: number | 'auto';
  /** Treat the source as a file (true) or live (false), overriding detection. HTTP URLs are live by default. */
  isFile?: boolean;
  /** Reconnection back-off for live sources. */
  reconnect?: ReconnectOptions;
  /** Fail `start()` (state ERROR) when the first connection of a live source fails (default false: retry). */
  failOnFirstConnect?: boolean;
  /** Time to open a source and read its stream header before the attempt fails (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** A live source that delivers no frame for this long is reconnected (default 10 000 ms). */
  stallTimeoutMs?: number;
  /**
   * RTSP, RTMP and webcam streams are also called stalled, and reconnected, once they have
   * been silent for `factor` × their longest recent frame wait (at least `minMs`; defaults
   * 4 and 1000 ms, after 10 frames per connection), so a camera outage is noticed in about
   * a second at 30 fps. HTTP/HLS (bursty segment delivery), files and producers only use
   * `stallTimeoutMs`. `false` turns it off.
   */
  adaptiveStall?: false | AdaptiveStallOptions;
  /** Grace between SIGTERM and SIGKILL when stopping ffmpeg (default 2 000 ms). */
  killGraceMs?: number;
  /** Where ffmpeg lives. */
  ffmpeg?: FfmpegLocateOptions;
  /** Declared fps for image sequences and producers (default 0 = unknown; timestamps are then wall clock). */
  fps?: number;
  /** Producers: live (fresh frames, drop) or not (default false: every frame, back-pressure). */
  live?: boolean;
  /** Image decoder for image directories/globs (default: ffmpeg, one process per image). */
  decodeImage?: (path: string) => Promise<RgbImage>;
  /** Receives every event synchronously; exceptions thrown here are swallowed. */
  onEvent?: (event: SourceEvent) => void;
}

/** Counters of one source since it was created. */
export interface SourceStats {
  state: SourceState;
  /** Frames that came out of the decoder (delivered or dropped). */
  framesDecoded: number;
  /** Frames returned by `read()`. */
  framesDelivered: number;
  /** Evicted or rejected by a full buffer, plus frames skipped by EAGER reads and purged on terminate. */
  droppedByBuffer: number;
  /** Dropped by `maxFps` on live sources. */
  droppedByRateLimit: number;
  droppedWhileMuted: number;
  droppedAdaptive: number;
  /** Successful reconnections after the first connection. */
  reconnections: number;
  /** Failed connection attempts (first and later). */
  connectionFailures: number;
  /** Decoder output pace over the last 100 frames (0 before two frames). */
  measuredFps: number;
  bufferedFrames: number;
}

export type { SourceProperties, VideoFrame };
