import type { SourceAnalyticsTotals } from '../analytics/frame-analytics.js';
import { FpsMonitor, RollingMean } from '../sources/monitors.js';
import type { BufferConsumptionStrategy, BufferFillingStrategy, SourceStats } from '../sources/types.js';
import type { SourceProperties, VideoFrame } from '../types.js';
import { SEVERITY_LEVEL, type StatusEvent } from './events.js';

/** What the watchdog knows of a source besides its frames (supplied by the pipeline). */
export interface SourceDescription {
  sourceId: number;
  /** The reference with credentials redacted. */
  reference: string;
  /** The source's state name (e.g. 'RUNNING', 'ENDED'). */
  state: string;
  properties?: SourceProperties;
  /** The source's own counters; when given, drops and reconnections come from here instead of events. */
  stats?: SourceStats;
  /** Buffer capacity in frames, once known. */
  bufferSize?: number;
  fillingStrategy?: BufferFillingStrategy;
  consumptionStrategy?: BufferConsumptionStrategy;
}

/** Averages over the last `latencyWindow` frames of one source, in milliseconds (null = no data yet). */
export interface LatencyReport {
  /** Frame leaving the decoder -> its batch entering the model (queueing and batch collection). */
  frameDecodingMs: number | null;
  /** Batch entering the model -> predictions ready (includes tracking). */
  inferenceMs: number | null;
  /** Frame leaving the decoder -> every sink done with it. */
  endToEndMs: number | null;
}

/** Per-source part of {@link PipelineReport}. */
export interface SourceReport extends SourceDescription {
  latency: LatencyReport;
  /** Frames whose predictions reached the sinks. */
  framesProcessed: number;
  /** Frames dropped by buffering, EAGER skips, rate limit, adaptive drop or mute (source counters, else FRAME_DROPPED events). */
  framesDropped: number;
  /** Reconnection attempts seen (SOURCE_RECONNECTING events). */
  reconnections: number;
  /** Frames per second through the sinks over the last `throughputWindow` frames. */
  throughputFps: number;
}

/** Snapshot returned by `pipeline.report()`. */
export interface PipelineReport {
  /** Pipeline state name. */
  state: string;
  sources: SourceReport[];
  /** Frames per second through the model, all sources together. */
  inferenceThroughputFps: number;
  /** Batches handed to the model. */
  batches: number;
  /** Sink failures so far. */
  sinkErrors: number;
  /** The most recent events above debug severity, oldest first. */
  recentEvents: StatusEvent[];
  /** Line and zone totals per source, when the pipeline has analytics. */
  analytics?: SourceAnalyticsTotals[];
}

/** Sizes of the watchdog's rolling windows. */
export interface WatchdogOptions {
  /** Frames averaged per source for latencies (default 64, as Roboflow). */
  latencyWindow?: number;
  /** Ticks used for throughput (default 30, as Roboflow). */
  throughputWindow?: number;
  /** Events kept for the report (default 512, as Roboflow). */
  eventHistory?: number;
}

interface SourceCounters {
  decoding: RollingMean;
  inference: RollingMean;
  endToEnd: RollingMean;
  fps: FpsMonitor;
  processed: number;
  dropped: number;
  /** Frames decoded and read but never delivered: their inference failed, or the pipeline stopped with them queued. */
  discarded: number;
  reconnections: number;
}

/** In-flight frames tracked at most; older entries are forgotten (a sink that never returns cannot grow memory). */
const MAX_IN_FLIGHT = 4096;

/**
 * Watches a pipeline: per-source latency, throughput and drop counts, plus the
 * recent status events. The pipeline calls the `on*` hooks; `report()` takes a snapshot.
 * Times are `performance.now()` milliseconds, compared with `VideoFrame.decodedAt`.
 *
 * @example
 * const w = new PipelineWatchdog();
 * w.onInferenceStarted(frames); w.onPredictionReady(frames); w.onSinkDone(frames);
 * w.report(() => descriptions, 'RUNNING').sources[0].latency.endToEndMs  // e.g. 41.7
 */
export class PipelineWatchdog {
  readonly #options: Required<WatchdogOptions>;
  readonly #sources = new Map<number, SourceCounters>();
  readonly #started = new Map<string, number>();
  readonly #events: StatusEvent[] = [];
  readonly #inferenceFps: FpsMonitor;
  #batches = 0;
  #sinkErrors = 0;

  constructor(options: WatchdogOptions = {}) {
    this.#options = {
      latencyWindow: options.latencyWindow ?? 64,
      throughputWindow: options.throughputWindow ?? 30,
      eventHistory: options.eventHistory ?? 512,
    };
    this.#inferenceFps = new FpsMonitor(this.#options.throughputWindow);
  }

  #stats(sourceId: number): SourceCounters {
    let s = this.#sources.get(sourceId);
    if (!s) {
      const w = this.#options.latencyWindow;
      s = {
        decoding: new RollingMean(w),
        inference: new RollingMean(w),
        endToEnd: new RollingMean(w),
        fps: new FpsMonitor(this.#options.throughputWindow),
        processed: 0,
        dropped: 0,
        discarded: 0,
        reconnections: 0,
      };
      this.#sources.set(sourceId, s);
    }
    return s;
  }

  /** Frames the pipeline read but will never deliver (failed inference, stopped with them queued). */
  onFramesDiscarded(frames: readonly VideoFrame[]): void {
    for (const f of frames) this.#stats(f.sourceId).discarded++;
  }

  /** Count drops, reconnections and sink errors, and keep non-debug events. */
  onStatusUpdate(event: StatusEvent): void {
    const sourceId = event.payload.source_id;
    if (typeof sourceId === 'number') {
      if (event.type === 'FRAME_DROPPED') this.#stats(sourceId).dropped++;
      if (event.type === 'SOURCE_RECONNECTING') this.#stats(sourceId).reconnections++;
    }
    if (event.type === 'INFERENCE_RESULTS_DISPATCHING_ERROR') this.#sinkErrors++;
    if (SEVERITY_LEVEL[event.severity] > SEVERITY_LEVEL.debug) {
      this.#events.push(event);
      if (this.#events.length > this.#options.eventHistory) this.#events.shift();
    }
  }

  /** A batch is about to enter the model. */
  onInferenceStarted(frames: readonly VideoFrame[], at = performance.now()): void {
    this.#batches++;
    for (const f of frames) {
      this.#stats(f.sourceId).decoding.push(at - f.decodedAt);
      this.#started.set(key(f), at);
      if (this.#started.size > MAX_IN_FLIGHT) {
        const oldest = this.#started.keys().next().value;
        if (oldest !== undefined) this.#started.delete(oldest);
      }
    }
  }

  /** Predictions for these frames are ready (after tracking). */
  onPredictionReady(frames: readonly VideoFrame[], at = performance.now()): void {
    for (const f of frames) {
      const started = this.#started.get(key(f));
      if (started !== undefined) this.#stats(f.sourceId).inference.push(at - started);
      this.#inferenceFps.tick(at);
    }
  }

  /** Every sink returned for these frames. */
  onSinkDone(frames: readonly VideoFrame[], at = performance.now()): void {
    for (const f of frames) {
      const s = this.#stats(f.sourceId);
      s.endToEnd.push(at - f.decodedAt);
      s.fps.tick(at);
      s.processed++;
      this.#started.delete(key(f));
    }
  }

  /** Snapshot of every source in `sources` (plus any seen only through frames). */
  report(sources: readonly SourceDescription[], state: string): PipelineReport {
    const described = new Map(sources.map((s) => [s.sourceId, s]));
    const ids = [...new Set([...described.keys(), ...this.#sources.keys()])].sort((a, b) => a - b);
    return {
      state,
      sources: ids.map((id) => {
        const d = described.get(id) ?? { sourceId: id, reference: '', state: 'UNKNOWN' };
        const s = this.#stats(id);
        return {
          ...d,
          latency: {
            frameDecodingMs: s.decoding.mean(),
            inferenceMs: s.inference.mean(),
            endToEndMs: s.endToEnd.mean(),
          },
          framesProcessed: s.processed,
          framesDropped: (d.stats ? droppedOf(d.stats) : s.dropped) + s.discarded,
          reconnections: d.stats ? d.stats.reconnections : s.reconnections,
          throughputFps: s.fps.fps(),
        };
      }),
      inferenceThroughputFps: this.#inferenceFps.fps(),
      batches: this.#batches,
      sinkErrors: this.#sinkErrors,
      recentEvents: [...this.#events],
    };
  }
}

function droppedOf(s: SourceStats): number {
  return s.droppedByBuffer + s.droppedByRateLimit + s.droppedWhileMuted + s.droppedAdaptive;
}

function key(f: VideoFrame): string {
  return `${f.sourceId}:${f.frameId}`;
}
