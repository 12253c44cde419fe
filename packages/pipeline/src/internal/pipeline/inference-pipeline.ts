import { InferenceEngine, type InferenceResult, settleWithin } from '@inference-ts/core';
import { PipelineAnalytics } from '../analytics/pipeline-analytics.js';
import { isPipelineError, PipelineError } from '../errors.js';
import { multiSink } from '../sinks/multi.js';
import type { ClosableSink, Sink } from '../sinks/types.js';
import { multiplexSources } from '../sources/multiplex.js';
import { resolveReference } from '../sources/reference.js';
import type { SourceReference } from '../sources/types.js';
import { VideoSource } from '../sources/video-source.js';
import type { VideoFrame } from '../types.js';
import {
  errorPayload,
  type Severity,
  type StatusEvent,
  type StatusHandler,
  statusEvent,
} from '../watchdog/events.js';
import { type PipelineReport, PipelineWatchdog, type SourceDescription } from '../watchdog/watchdog.js';
import { withActiveLearningSink } from './active-learning-option.js';
import type { InferencePipelineOptions } from './options.js';
import { modelHandler, type OnVideoFrame, SourceTrackers } from './process.js';
import { BoundedQueue } from './queue.js';
import { sourceStatusEvent } from './source-events.js';

/** Life cycle of a pipeline. */
export type PipelineState =
  | 'NOT_STARTED'
  | 'STARTING'
  | 'RUNNING'
  | 'PAUSED'
  | 'MUTED'
  | 'TERMINATING'
  | 'ENDED'
  | 'ERROR';

type Mode = 'run' | 'pause' | 'mute';

interface Batch<P> {
  predictions: (P | null)[];
  frames: (VideoFrame | null)[];
}

const CONTEXT = 'inference_pipeline';

/** Default of `maxConsecutiveSinkErrors`. */
export const DEFAULT_MAX_CONSECUTIVE_SINK_ERRORS = 10;

function sinkList<P>(onPrediction: InferencePipelineOptions<P>['onPrediction']): Sink<P>[] {
  if (onPrediction === undefined) return [];
  return typeof onPrediction === 'function' ? [onPrediction] : [...onPrediction];
}

/** A failed `init` must not leave the given sinks open (a preview listener would hold the process). */
async function closeGivenSinks<P>(options: InferencePipelineOptions<P>): Promise<void> {
  if (options.closeSinks === false) return;
  await Promise.allSettled(sinkList(options.onPrediction).map(async (s) => s.close?.()));
}

/** A list of references, or one producer that happens to be an array of images. */
function referenceList(ref: SourceReference | readonly SourceReference[]): SourceReference[] {
  if (!Array.isArray(ref)) return [ref as SourceReference];
  const looksLikeImage = (x: unknown) => typeof x === 'object' && x !== null && 'data' in x && 'width' in x;
  if (ref.length > 0 && ref.every(looksLikeImage)) return [ref as unknown as SourceReference];
  return [...(ref as readonly SourceReference[])];
}

/** True when `p` settles (either way) within `ms`. */
const settledWithin = async (p: Promise<unknown>, ms: number): Promise<boolean> =>
  (await settleWithin(p.then(noop, noop), ms)).kind === 'value';
const noop = () => undefined;

/**
 * Streams video through a model (or custom logic) into sinks: one ffmpeg decoder per
 * source, batches across sources, one model call per batch (overlapping the decoders and
 * the sinks of the previous batch), optional ByteTrack per source, and sinks fed with
 * lists aligned to source order. Sink failures are status events, never the end.
 * Everything is bounded: source buffers, the predictions queue, event history.
 *
 * @example
 * const pipeline = await InferencePipeline.init({
 *   videoReference: 'rtsp://camera.local/stream',
 *   model: 'yolov8n-640',
 *   track: true,
 *   onPrediction: [udpSink('127.0.0.1', 9999), videoFileSink('out.mp4')],
 *   onStatusUpdate: (e) => e.severity === 'error' && console.error(e),
 * });
 * await pipeline.start();
 * setTimeout(() => pipeline.terminate(), 60_000);
 * await pipeline.join();
 * pipeline.report().sources[0].latency   // { frameDecodingMs, inferenceMs, endToEndMs }
 */
export class InferencePipeline<P = unknown> {
  readonly #options: InferencePipelineOptions<P>;
  readonly #handler: OnVideoFrame<P>;
  readonly #trackers: SourceTrackers | undefined;
  readonly #analytics: PipelineAnalytics | undefined;
  readonly #sink: ClosableSink<P> & { open(): Promise<void> };
  readonly #statusHandlers: StatusHandler[];
  readonly #watchdog: PipelineWatchdog;
  readonly #abort = new AbortController();
  readonly #queue: BoundedQueue<Batch<P>>;
  readonly #ownedEngine: InferenceEngine | undefined;
  /** Lets go of the model the pipeline holds (loaded by id), so the engine may evict it again. */
  readonly #releaseModel: (() => void) | undefined;
  readonly #done: Promise<void>;
  /** Frames go back to their source once the sinks are done with them (`recycleFrames`). */
  readonly #recycleFrames: boolean;
  #resolveDone!: () => void;
  #sources: VideoSource[] = [];
  #modes: Mode[] = [];
  #state: PipelineState = 'NOT_STARTED';
  #loops: Promise<void> | undefined;
  #terminating: Promise<void> | undefined;
  #finishing: Promise<void> | undefined;
  #fatal = false;
  #failure: unknown;

  private constructor(
    options: InferencePipelineOptions<P>,
    handler: OnVideoFrame<P>,
    ownedEngine: InferenceEngine | undefined,
    releaseModel: (() => void) | undefined,
    analytics: PipelineAnalytics | undefined,
  ) {
    this.#options = options;
    this.#handler = handler;
    this.#ownedEngine = ownedEngine;
    this.#releaseModel = releaseModel;
    this.#analytics = analytics;
    // analytics need tracker ids, so they imply tracking
    const track = options.track || (analytics ? true : undefined);
    if (track) this.#trackers = new SourceTrackers(track === true ? {} : track);
    const handlers = options.onStatusUpdate;
    this.#statusHandlers =
      handlers === undefined ? [] : typeof handlers === 'function' ? [handlers] : [...handlers];
    this.#watchdog = new PipelineWatchdog(options.watchdog);
    const sinks = sinkList(options.onPrediction);
    this.#sink = multiSink<P>(sinks, {
      maxConsecutiveErrors: options.maxConsecutiveSinkErrors ?? DEFAULT_MAX_CONSECUTIVE_SINK_ERRORS,
      onError: (error, index) =>
        this.#emit(
          'INFERENCE_RESULTS_DISPATCHING_ERROR',
          'error',
          {
            ...errorPayload(error, sinks.length > 1 ? `sink ${index}` : 'sink'),
          },
          'inference_results_dispatching',
        ),
    });
    this.#queue = new BoundedQueue(options.predictionsQueueSize ?? 8);
    this.#recycleFrames = options.recycleFrames === true && !options.activeLearning;
    this.#done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /**
   * Validate options, load the model (if an id is given) and create the sources.
   * Nothing is opened or decoded until `start()`. When this throws, the sinks given are
   * closed (unless `closeSinks: false`), so nothing they opened stays open.
   * @throws PipelineError `PIPE_ERR_INVALID_OPTION`, source errors (`PIPE_ERR_SOURCE_NOT_FOUND`,
   *   `PIPE_ERR_SOURCE_REFERENCE`, `PIPE_ERR_FFMPEG_NOT_FOUND`); core model-loading errors.
   */
  static async init<P = InferenceResult>(given: InferencePipelineOptions<P>): Promise<InferencePipeline<P>> {
    const options = withActiveLearningSink(given);
    try {
      return await InferencePipeline.#init(options);
    } catch (e) {
      await closeGivenSinks(options);
      throw e;
    }
  }

  static async #init<P>(options: InferencePipelineOptions<P>): Promise<InferencePipeline<P>> {
    const bad = (message: string) => new PipelineError('PIPE_ERR_INVALID_OPTION', message);
    const sinkLimit = options.maxConsecutiveSinkErrors;
    if (sinkLimit !== undefined && !(sinkLimit >= 1)) {
      throw bad(`maxConsecutiveSinkErrors must be >= 1 (or Infinity), got ${sinkLimit}`);
    }
    if ((options.model === undefined) === (options.onVideoFrame === undefined)) {
      throw bad('give exactly one of `model` and `onVideoFrame`');
    }
    const refs = referenceList(options.videoReference);
    if (refs.length === 0) throw bad('videoReference is an empty list');
    // bad geometry fails here, before the model loads or any frame is read
    const analytics = options.analytics ? new PipelineAnalytics(options.analytics) : undefined;
    const queueSize = options.predictionsQueueSize ?? 8;
    if (!Number.isInteger(queueSize) || queueSize < 1)
      throw bad(`predictionsQueueSize must be an integer >= 1, got ${queueSize}`);
    if (options.batchCollectionTimeoutMs !== undefined && !(options.batchCollectionTimeoutMs >= 0)) {
      throw bad(`batchCollectionTimeoutMs must be >= 0, got ${options.batchCollectionTimeoutMs}`);
    }
    // a bad reference (missing file, unsupported scheme) fails before a slow model load
    await Promise.all(refs.map((ref) => resolveReference(ref, options.sourceOptions?.isFile)));
    let handler: OnVideoFrame<P>;
    let owned: InferenceEngine | undefined;
    let release: (() => void) | undefined;
    if (options.onVideoFrame) {
      handler = options.onVideoFrame;
    } else if (typeof options.model === 'string') {
      owned = options.engine ? undefined : new InferenceEngine();
      const engine = options.engine ?? owned!;
      try {
        // held for the pipeline's life: a shared engine loading other models cannot evict it mid-stream
        const lease = await engine.acquire(options.model);
        release = lease.release;
        handler = modelHandler<P>(lease.model, options.inferOptions);
      } catch (e) {
        await owned?.dispose();
        throw e;
      }
    } else {
      handler = modelHandler<P>(options.model!, options.inferOptions);
    }
    const pipeline = new InferencePipeline<P>(options, handler, owned, release, analytics);
    try {
      pipeline.#sources = await Promise.all(
        refs.map((ref, sourceId) =>
          VideoSource.create(ref, {
            ...options.sourceOptions,
            sourceId,
            ...(options.maxFps !== undefined ? { maxFps: options.maxFps } : {}),
            ...(options.sourceBufferFillingStrategy
              ? { fillingStrategy: options.sourceBufferFillingStrategy }
              : {}),
            ...(options.sourceBufferConsumptionStrategy
              ? { consumptionStrategy: options.sourceBufferConsumptionStrategy }
              : {}),
            ...(options.failOnFirstConnect !== undefined
              ? { failOnFirstConnect: options.failOnFirstConnect }
              : {}),
            onEvent: (e) => pipeline.#dispatchStatus(sourceStatusEvent(e)),
          }),
        ),
      );
    } catch (e) {
      release?.();
      await owned?.dispose();
      throw e;
    }
    pipeline.#modes = pipeline.#sources.map(() => 'run');
    return pipeline;
  }

  /** Current state. */
  get state(): PipelineState {
    return this.#state;
  }

  /**
   * Why the pipeline ended in ERROR (a sink over its error limit, every source failing,
   * a sink that could not open, `stopOnInferenceError`); undefined otherwise.
   */
  get failure(): unknown {
    return this.#failure;
  }

  /** The sources, indexed by source id. */
  get sources(): readonly VideoSource[] {
    return this.#sources;
  }

  /**
   * Open the sinks, then connect every source and start decoding, inference and dispatch
   * in the background. Resolves once each source connected, failed, or (live sources)
   * began retrying. A sink that cannot open fails the start before any source is touched.
   * A source that fails to start is an event and is left out; when every source failed,
   * the pipeline ends and this rejects with the first error. Whenever this rejects, the
   * pipeline is already ENDED/ERROR and everything it opened is closed.
   * @throws PipelineError `PIPE_ERR_SINK_OPEN`; the source error; `PIPE_ERR_STATE` when
   *   called twice or after `terminate()`.
   */
  async start(): Promise<void> {
    if (this.#state !== 'NOT_STARTED') {
      throw new PipelineError('PIPE_ERR_STATE', `start() is not allowed in state ${this.#state}`);
    }
    this.#setState('STARTING');
    try {
      await this.#sink.open();
    } catch (e) {
      if (this.#abort.signal.aborted) return; // terminated meanwhile: that already closed everything
      this.#fatal = true;
      this.#failure = e;
      this.#emit('PIPELINE_START_FAILED', 'error', errorPayload(e, 'sink'));
      this.#abort.abort();
      await this.#finish();
      throw e;
    }
    if (this.#abort.signal.aborted) return;
    const started = await Promise.allSettled(this.#sources.map((s) => s.start()));
    if (this.#abort.signal.aborted) return; // terminated while connecting
    this.#sources.forEach((s, i) => {
      this.#applyMode(s, this.#modes[i]);
    });
    this.#setState(this.#modeState());
    this.#loops = this.#run();
    const failures = started.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failures.length === started.length) {
      this.#fatal = true; // nothing to run: the loops see only failed sources and end in ERROR
      this.#failure = failures[0].reason;
      await this.#loops; // closes the sinks: the caller may exit as soon as this rejects
      throw failures[0].reason;
    }
  }

  /** Resolves when every source ended (or the pipeline was terminated) and the sinks are closed. Never rejects. */
  join(): Promise<void> {
    return this.#done;
  }

  /** Stop reading the decoder of one source, or all (live connections may drop and reconnect on resume). No-op once ended. */
  pause(sourceId?: number): void {
    this.#setMode('pause', sourceId);
  }

  /** Keep decoding but drop every frame of one source, or all. No-op once ended. */
  mute(sourceId?: number): void {
    this.#setMode('mute', sourceId);
  }

  /** Undo `pause`/`mute` for one source, or all. No-op once ended. */
  resume(sourceId?: number): void {
    this.#setMode('run', sourceId);
  }

  /**
   * Stop from any state: sources terminate (every decoder reaped within their kill grace),
   * queued results are dropped, a running model or sink call gets `terminateTimeoutMs` to
   * return, then sinks are closed (`sinkCloseTimeoutMs`). Idempotent; `join()` resolves too.
   */
  terminate(): Promise<void> {
    this.#terminating ??= this.#terminate();
    return this.#terminating;
  }

  /** Latency, throughput, drops and recent events per source (see `PipelineReport`). */
  report(): PipelineReport {
    const sources = this.#sources.map((s) => {
      const d: SourceDescription = {
        sourceId: s.sourceId,
        reference: s.reference,
        state: s.state,
        stats: s.stats(),
        fillingStrategy: s.fillingStrategy,
        consumptionStrategy: s.consumptionStrategy,
      };
      if (s.properties) d.properties = s.properties;
      if (s.bufferSize !== undefined) d.bufferSize = s.bufferSize;
      return d;
    });
    const report = this.#watchdog.report(sources, this.#state);
    if (this.#analytics) report.analytics = this.#analytics.totals();
    return report;
  }

  // ---- loops -----------------------------------------------------------------------------------

  async #run(): Promise<void> {
    await Promise.all([this.#inferenceLoop(), this.#dispatchLoop()]);
    await this.#finish();
  }

  async #inferenceLoop(): Promise<void> {
    this.#emit('INFERENCE_THREAD_STARTED', 'info', {});
    try {
      const batches = multiplexSources(this.#sources, {
        signal: this.#abort.signal,
        ...(this.#options.batchCollectionTimeoutMs !== undefined
          ? { batchCollectionTimeoutMs: this.#options.batchCollectionTimeoutMs }
          : {}),
      });
      for await (const batch of batches) {
        if (this.#abort.signal.aborted) break;
        const frames = batch.filter((f): f is VideoFrame => f !== null);
        if (frames.length === 0) continue;
        const predictions = await this.#infer(frames);
        if (!predictions) {
          if (this.#fatal) break;
          continue;
        }
        const aligned: (P | null)[] = batch.map(() => null);
        let k = 0;
        batch.forEach((f, i) => {
          if (f) aligned[i] = predictions[k++];
        });
        if (!(await this.#queue.push({ predictions: aligned, frames: batch }))) break;
      }
    } catch (e) {
      this.#fatal = true;
      this.#failure ??= e;
      this.#emit('INFERENCE_ERROR', 'error', errorPayload(e, 'multiplexer'));
    } finally {
      this.#queue.close();
      this.#emit('INFERENCE_THREAD_FINISHED', 'info', {});
    }
  }

  /** Run the model/handler and trackers on one batch; undefined when it failed (already reported). */
  async #infer(frames: VideoFrame[]): Promise<P[] | undefined> {
    const ids = { frames_ids: frames.map((f) => f.frameId), sources_id: frames.map((f) => f.sourceId) };
    this.#watchdog.onInferenceStarted(frames);
    this.#emit('INFERENCE_STARTED', 'debug', ids);
    try {
      let predictions = await this.#handler(frames);
      if (!Array.isArray(predictions) || predictions.length !== frames.length) {
        throw new PipelineError(
          'PIPE_ERR_INFERENCE',
          `onVideoFrame returned ${Array.isArray(predictions) ? predictions.length : typeof predictions} predictions for ${frames.length} frames`,
        );
      }
      const trackers = this.#trackers;
      if (trackers) predictions = predictions.map((p, i) => trackers.apply(p, frames[i]));
      const analytics = this.#analytics;
      if (analytics) {
        predictions.forEach((p, i) => {
          frames[i].analytics = analytics.apply(p, frames[i]);
        });
      }
      this.#watchdog.onPredictionReady(frames);
      this.#emit('INFERENCE_COMPLETED', 'debug', {
        ...ids,
        frames_timestamps: frames.map((f) => new Date(f.frameTimestamp).toISOString()),
      });
      return predictions;
    } catch (e) {
      this.#emit('INFERENCE_ERROR', 'error', errorPayload(e, CONTEXT));
      this.#discard(frames, 'inference_error');
      if (this.#options.stopOnInferenceError) {
        this.#fatal = true;
        this.#failure ??= e;
      }
      return undefined;
    }
  }

  /** Frames read but never to be delivered count as drops, with a FRAMES_DISCARDED event. */
  #discard(frames: readonly VideoFrame[], cause: string): void {
    if (frames.length === 0) return;
    this.#watchdog.onFramesDiscarded(frames);
    this.#emit('FRAMES_DISCARDED', 'warning', {
      cause,
      frames_ids: frames.map((f) => f.frameId),
      sources_id: frames.map((f) => f.sourceId),
    });
  }

  async #dispatchLoop(): Promise<void> {
    for (;;) {
      const batch = await this.#queue.shift();
      if (!batch) return;
      try {
        await this.#sink(batch.predictions, batch.frames);
      } catch (e) {
        if (isPipelineError(e) && e.code === 'PIPE_ERR_SINK_ERROR_LIMIT') {
          // a sink that fails on every batch would otherwise fail forever: stop, in ERROR
          this.#fatal = true;
          this.#failure = e;
          this.#emit('PIPELINE_STOPPED', 'error', errorPayload(e, 'sink'), 'inference_results_dispatching');
          this.#watchdog.onSinkDone(batch.frames.filter((f): f is VideoFrame => f !== null));
          void this.terminate();
          return;
        }
        this.#emit(
          'INFERENCE_RESULTS_DISPATCHING_ERROR',
          'error',
          errorPayload(e, 'sink'),
          'inference_results_dispatching',
        );
      }
      const done = batch.frames.filter((f): f is VideoFrame => f !== null);
      this.#watchdog.onSinkDone(done);
      if (this.#recycleFrames) for (const f of done) this.#sources[f.sourceId]?.recycle(f);
    }
  }

  /** Close sinks and the private engine once; then ENDED. */
  #finish(): Promise<void> {
    this.#finishing ??= (async () => {
      // Sources that ended by themselves still hold nothing, but terminate() is cheap and reaps for sure.
      await Promise.allSettled(this.#sources.map((s) => s.terminate()));
      if (this.#options.closeSinks ?? true) {
        const closing = this.#sink.close().catch(() => {}); // failures were reported through onError
        if (!(await settledWithin(closing, this.#options.sinkCloseTimeoutMs ?? 15_000))) {
          this.#emit('PIPELINE_TIMEOUT', 'warning', { message: 'sinks did not close in time' });
        }
      }
      this.#releaseModel?.();
      await this.#ownedEngine?.dispose().catch(() => {});
      this.#setState(this.#fatal ? 'ERROR' : 'ENDED');
      this.#resolveDone();
    })();
    return this.#finishing;
  }

  async #terminate(): Promise<void> {
    if (this.#state === 'ENDED' || this.#state === 'ERROR') return;
    this.#setState('TERMINATING');
    this.#abort.abort();
    const queued = this.#queue.close(true);
    this.#discard(
      queued.flatMap((b) => b.frames.filter((f): f is VideoFrame => f !== null)),
      'terminated',
    );
    await Promise.allSettled(this.#sources.map((s) => s.terminate()));
    if (this.#loops) {
      const bound = this.#options.terminateTimeoutMs ?? 5000;
      if (!(await settledWithin(this.#loops, bound))) {
        this.#emit('PIPELINE_TIMEOUT', 'warning', {
          message: `inference or a sink still busy after ${bound} ms; not waiting`,
        });
      }
    }
    await this.#finish();
  }

  // ---- modes, state and events -----------------------------------------------------------------

  #setMode(mode: Mode, sourceId?: number): void {
    if (
      sourceId !== undefined &&
      !(Number.isInteger(sourceId) && sourceId >= 0 && sourceId < this.#sources.length)
    ) {
      throw new PipelineError('PIPE_ERR_INVALID_OPTION', `no source with id ${sourceId}`);
    }
    const s = this.#state;
    if (s === 'TERMINATING' || s === 'ENDED' || s === 'ERROR') return;
    const targets = sourceId === undefined ? this.#sources.map((_, i) => i) : [sourceId];
    for (const i of targets) {
      this.#modes[i] = mode;
      if (s !== 'NOT_STARTED' && s !== 'STARTING') this.#applyMode(this.#sources[i], mode);
    }
    if (s !== 'NOT_STARTED' && s !== 'STARTING') this.#setState(this.#modeState());
  }

  #applyMode(source: VideoSource, mode: Mode): void {
    try {
      if (mode === 'pause') source.pause();
      else if (mode === 'mute') source.mute();
      else source.resume();
    } catch {
      // An ended or failed source has nothing to pause or resume.
    }
  }

  /** RUNNING unless every source is paused (PAUSED) or muted (MUTED). */
  #modeState(): PipelineState {
    if (this.#modes.length > 0 && this.#modes.every((m) => m === 'pause')) return 'PAUSED';
    if (this.#modes.length > 0 && this.#modes.every((m) => m === 'mute')) return 'MUTED';
    return 'RUNNING';
  }

  #setState(state: PipelineState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#emit('PIPELINE_STATE_UPDATE', 'info', { previous_state: previous, new_state: state });
  }

  #emit(
    type: StatusEvent['type'],
    severity: Severity,
    payload: Record<string, unknown>,
    context = CONTEXT,
  ): void {
    this.#dispatchStatus(statusEvent(type, severity, context, payload));
  }

  #dispatchStatus(event: StatusEvent): void {
    this.#watchdog.onStatusUpdate(event);
    for (const handler of this.#statusHandlers) {
      try {
        handler(event);
      } catch {
        // Handlers must not break the pipeline (Roboflow logs and swallows too).
      }
    }
  }
}
