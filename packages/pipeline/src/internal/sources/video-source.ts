import { type Deadline, settleWithin } from '@inference-ts/core';
import { isPipelineError, PipelineError } from '../errors.js';
import { type FfmpegBinaries, locateFfmpeg } from '../ffmpeg/locate.js';
import { redactText } from '../ffmpeg/redact.js';
import type { SourceProperties, VideoFrame } from '../types.js';
import {
  type Connection,
  type Connector,
  type DecodedFrame,
  ffmpegConnector,
  imagesConnector,
  producerConnector,
} from './connection.js';
import { FrameBuffer } from './frame-buffer.js';
import { FrameSpares } from './frame-spares.js';
import { FpsMonitor } from './monitors.js';
import { AdaptiveDropper, RateGate } from './pace.js';
import { resolveReference } from './reference.js';
import { backoffDelay, firstOrAbort, sleep } from './sleep.js';
import { StallLimit } from './stall.js';
import type {
  BufferConsumptionStrategy,
  BufferFillingStrategy,
  DropCause,
  SourceEvent,
  SourceReference,
  SourceState,
  SourceStats,
  VideoSourceOptions,
} from './types.js';

const MAX_BUFFER_BYTES = 256 * 1024 * 1024;
/** A stall timer firing this much late says the event loop was blocked, not the stream. */
const LOOP_LAG_MS = 200;
type Mode = 'run' | 'pause' | 'mute';
type PumpOutcome = { kind: 'end' } | { kind: 'error'; error: PipelineError } | { kind: 'terminated' };

function toPipelineError(
  e: unknown,
  code: 'PIPE_ERR_SOURCE_CONNECTION' | 'PIPE_ERR_FFMPEG_FAILED',
): PipelineError {
  if (isPipelineError(e)) return e;
  const message = redactText(e instanceof Error ? e.message : String(e));
  return new PipelineError(code, message, { cause: e });
}

/**
 * One video source: a file, a stream (RTSP/RTMP/HTTP/HLS), a webcam, an image
 * directory or glob, or a user producer, decoded to RGB frames in a bounded
 * buffer. Create with `VideoSource.create`, `start()`, then `read()` until
 * null (or iterate with `for await`), and always `terminate()`.
 *
 * Live sources reconnect with exponential back-off when they fail or end
 * (also when the first connection fails, unless `failOnFirstConnect`); files,
 * images and producers end. `pause()` stops reading the decoder, `mute()` keeps
 * reading and drops, `resume()` undoes either; they are accepted while
 * connecting or reconnecting too (applied once connected).
 * @example
 * const source = await VideoSource.create('/work/shared/media/example_video.mp4');
 * await source.start();
 * for await (const frame of source) console.log(frame.frameId); // 1, 2, ..., 431
 * await source.terminate();
 */
export class VideoSource {
  readonly sourceId: number;
  /** The reference as it may be shown (credentials redacted). */
  readonly reference: string;
  /** True for live sources (streams, webcams, live producers): drop, reconnect, wall-clock timestamps. */
  readonly live: boolean;
  readonly fillingStrategy: BufferFillingStrategy;
  readonly consumptionStrategy: BufferConsumptionStrategy;

  readonly #connector: Connector;
  readonly #options: VideoSourceOptions;
  readonly #reconnectable: boolean;
  readonly #abort = new AbortController();
  readonly #arrivals = new FpsMonitor(100);
  readonly #reads = new FpsMonitor(100);
  readonly #rateGate: RateGate | undefined;
  readonly #adaptive: AdaptiveDropper | undefined;
  readonly #stall: StallLimit;
  /** Recycled pixel buffers for the decoder (ffmpeg sources only). */
  readonly #spares: FrameSpares | undefined;
  #buffer: FrameBuffer | undefined;
  #state: SourceState = 'NOT_STARTED';
  #mode: Mode = 'run';
  /** Wakers of waits for a mode change; each wait removes its own when it ends, so nothing accumulates. */
  readonly #modeWaiters = new Set<() => void>();
  #properties: SourceProperties | undefined;
  #connection: Connection | undefined;
  /** Roboflow numbers grabbed frames from 1; ids count dropped frames too and survive reconnection. */
  #nextFrameId = 1;
  #lastReadAt = Number.NEGATIVE_INFINITY;
  #loop: Promise<void> | undefined;
  #terminating: Promise<void> | undefined;
  #stats = {
    framesDecoded: 0,
    framesDelivered: 0,
    droppedByBuffer: 0,
    droppedByRateLimit: 0,
    droppedWhileMuted: 0,
    droppedAdaptive: 0,
    reconnections: 0,
    connectionFailures: 0,
  };

  private constructor(
    connector: Connector,
    live: boolean,
    reconnectable: boolean,
    reference: string,
    options: VideoSourceOptions,
    quickStall = false,
    spares?: FrameSpares,
  ) {
    this.#connector = connector;
    this.#spares = spares;
    this.#options = options;
    this.live = live;
    this.#reconnectable = reconnectable;
    this.reference = reference;
    this.sourceId = options.sourceId ?? 0;
    this.fillingStrategy = options.fillingStrategy ?? (live ? 'DROP_OLDEST' : 'WAIT');
    this.consumptionStrategy = options.consumptionStrategy ?? (live ? 'EAGER' : 'LAZY');
    if (options.maxFps !== undefined && live) this.#rateGate = new RateGate(options.maxFps);
    this.#stall = new StallLimit(
      live ? (options.stallTimeoutMs ?? 10_000) : Number.POSITIVE_INFINITY,
      quickStall ? (options.adaptiveStall ?? {}) : false,
    );
    if (this.fillingStrategy.startsWith('ADAPTIVE_')) {
      this.#adaptive = new AdaptiveDropper(this.#arrivals, this.#reads, {
        paceToleranceFps: options.adaptive?.paceToleranceFps ?? 5,
        minimumSamples: options.adaptive?.minimumSamples ?? 10,
        maxDroppedInRow: options.adaptive?.maxDroppedInRow ?? 16,
      });
    }
  }

  /**
   * Classifies `reference`, locates ffmpeg when needed, and returns a source in
   * NOT_STARTED. Nothing is opened until `start()`.
   * @throws PipelineError `PIPE_ERR_SOURCE_NOT_FOUND`, `PIPE_ERR_SOURCE_REFERENCE`,
   *   `PIPE_ERR_FFMPEG_NOT_FOUND`, `PIPE_ERR_INVALID_OPTION`
   */
  static async create(reference: SourceReference, options: VideoSourceOptions = {}): Promise<VideoSource> {
    validateOptions(options);
    const ref = await resolveReference(reference, options.isFile);
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const killGraceMs = options.killGraceMs ?? 2000;
    if (ref.kind === 'ffmpeg') {
      const bins = await locateFfmpeg(options.ffmpeg);
      const spares = new FrameSpares();
      const connector = ffmpegConnector(ref, bins, {
        options,
        connectTimeoutMs,
        killGraceMs,
        allocateFrame: spares.take,
      });
      // HTTP/HLS deliver in segment bursts: only the fixed stall timeout suits them
      const quickStall = ref.live && ref.inputKind !== 'http' && ref.inputKind !== 'hls';
      return new VideoSource(connector, ref.live, ref.live, ref.display, options, quickStall, spares);
    }
    if (ref.kind === 'images') {
      // ffmpeg is optional here: needed only to scale, or for formats sharp cannot read
      const bins: FfmpegBinaries | undefined = options.decodeImage
        ? undefined
        : await locateFfmpeg(options.ffmpeg).catch((e: unknown) => {
            if (options.size) throw e;
            return undefined;
          });
      return new VideoSource(imagesConnector(ref, bins, options), false, false, ref.display, options);
    }
    const live = options.live ?? false;
    return new VideoSource(producerConnector(ref.producer, options), live, false, ref.display, options);
  }

  /** Current state. */
  get state(): SourceState {
    return this.#state;
  }

  /** Discovered properties; undefined until the first connection. */
  get properties(): SourceProperties | undefined {
    return this.#properties;
  }

  /** Buffer capacity in frames (known once the frame size is known). */
  get bufferSize(): number | undefined {
    return this.#buffer?.capacity;
  }

  /** pid of the running ffmpeg, if any (diagnostics and tests). */
  get decoderPid(): number | undefined {
    return this.#connection?.pid;
  }

  /**
   * Opens the source and starts reading in the background. Resolves once the
   * first connection is made (RUNNING, or PAUSED/MUTED if asked meanwhile); for
   * a live source whose first attempt fails without `failOnFirstConnect`, once
   * back-off begins (RESTARTING). Resolves as well when terminated meanwhile.
   * @throws PipelineError the connection error (state ERROR) for files and with `failOnFirstConnect`;
   *   `PIPE_ERR_STATE` unless NOT_STARTED.
   */
  start(): Promise<void> {
    if (this.#state !== 'NOT_STARTED') {
      return Promise.reject(
        new PipelineError('PIPE_ERR_STATE', `start() is not allowed in state ${this.#state}`),
      );
    }
    return new Promise((resolve, reject) => {
      this.#loop = this.#run(resolve, reject).catch((e) => {
        // The loop handles its own errors; this is a last-resort guard.
        this.#fail(toPipelineError(e, 'PIPE_ERR_FFMPEG_FAILED'), 'decode');
        reject(e);
      });
    });
  }

  /** Stops reading the decoder (a live connection may time out and be reconnected on resume). */
  pause(): void {
    this.#setMode('pause');
  }

  /** Keeps reading and drops every frame (cause `muted`). */
  mute(): void {
    this.#setMode('mute');
  }

  /** Back to normal reading from PAUSED or MUTED. */
  resume(): void {
    this.#setMode('run');
  }

  /**
   * The next frame (per the consumption strategy), waiting if none is buffered;
   * null once the source ended (or was terminated) and its buffer is drained.
   * With `maxFps` on a file, calls are paced to that rate (nothing is dropped).
   * @throws PipelineError `PIPE_ERR_STATE` before `start()`
   */
  async read(): Promise<VideoFrame | null> {
    if (this.#state === 'NOT_STARTED') throw new PipelineError('PIPE_ERR_STATE', 'read() before start()');
    const maxFps = this.#options.maxFps;
    if (maxFps !== undefined && !this.live) {
      await sleep(this.#lastReadAt + 1000 / maxFps - performance.now(), this.#abort.signal);
    }
    const buffer = await this.#bufferReady();
    if (!buffer) return null;
    const frame = await buffer.take(this.consumptionStrategy, (old) => this.#drop(old, 'eager_skip'));
    if (!frame) return null;
    const now = performance.now();
    this.#lastReadAt = now;
    this.#reads.tick(now);
    this.#stats.framesDelivered++;
    return frame;
  }

  /**
   * Hands back the pixel buffer of a frame this source delivered, for the decoder to fill
   * with a later frame (no per-frame allocation). Only once nothing reads or keeps
   * `frame.image` any more: its pixels will be overwritten. Frames of other sources,
   * and of sources that do not decode with ffmpeg, are ignored.
   */
  recycle(frame: VideoFrame): void {
    if (frame.sourceId === this.sourceId) this.#spares?.give(frame.image.data);
  }

  /** Iterates frames until the end: `for await (const frame of source)`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<VideoFrame> {
    for (;;) {
      const frame = await this.read();
      if (!frame) return;
      yield frame;
    }
  }

  /** Counters since creation. */
  stats(): SourceStats {
    return {
      state: this.#state,
      ...this.#stats,
      measuredFps: this.#arrivals.fps(),
      bufferedFrames: this.#buffer?.size ?? 0,
    };
  }

  /**
   * Stops everything from any state (including while connecting or sleeping in
   * back-off): kills and reaps ffmpeg (SIGTERM, SIGKILL after `killGraceMs`),
   * purges the buffer (dropped frames are counted, cause `purged`) unless
   * `drain` is set, and ends `read()`. Resolves within about `killGraceMs`.
   * Ends in ENDED, or stays ERROR. Idempotent.
   */
  terminate(options: { drain?: boolean } = {}): Promise<void> {
    if (!this.#terminating) this.#terminating = this.#terminate(options.drain ?? false);
    return this.#terminating;
  }

  async #terminate(drain: boolean): Promise<void> {
    const wasError = this.#state === 'ERROR';
    if (this.#state !== 'ENDED' && !wasError) this.#setState('TERMINATING');
    this.#abort.abort();
    this.#wakeMode();
    const connection = this.#connection;
    await Promise.all([connection?.close(), this.#loop]);
    if (!this.#buffer) this.#buffer = new FrameBuffer(1);
    if (!drain) for (const frame of this.#buffer.purge()) this.#drop(frame, 'purged');
    this.#buffer.end();
    if (!wasError && this.#state !== 'ENDED') this.#setState('ENDED');
  }

  // ---- the reader loop -------------------------------------------------------------------------

  async #run(started: () => void, failedToStart: (e: unknown) => void): Promise<void> {
    const signal = this.#abort.signal;
    let attempt = 0;
    let first = true;
    const reconnect = {
      initialDelayMs: this.#options.reconnect?.initialDelayMs ?? 500,
      maxDelayMs: this.#options.reconnect?.maxDelayMs ?? 10_000,
      factor: this.#options.reconnect?.factor ?? 2,
    };
    const backOff = async (reason: string) => {
      const delayMs = backoffDelay(attempt, reconnect);
      attempt++;
      this.#emit({ type: 'reconnecting', severity: 'warning', attempt, delayMs, reason });
      if (this.#state !== 'RESTARTING') this.#setState('RESTARTING');
      await sleep(delayMs, signal);
    };
    this.#setState('INITIALISING');
    while (!signal.aborted) {
      let connection: Connection;
      try {
        // a connector that ignores the signal (a user's producer stuck on its first frame,
        // ffprobe on a slow file) must not hold terminate(): stop waiting on abort, and
        // close the connection should it still arrive
        const connecting = this.#connector(signal);
        const outcome = await settleWithin(connecting, Number.POSITIVE_INFINITY, signal);
        if (outcome.kind !== 'value') {
          connecting.then(
            (c) => c.close(),
            () => undefined,
          );
          break;
        }
        connection = outcome.value;
      } catch (e) {
        if (signal.aborted) break;
        const error = toPipelineError(e, 'PIPE_ERR_SOURCE_CONNECTION');
        this.#stats.connectionFailures++;
        const fatal = !this.#reconnectable || (first && this.#options.failOnFirstConnect === true);
        this.#emit({ type: 'error', severity: fatal ? 'error' : 'warning', error, context: 'connect' });
        if (fatal) {
          this.#fail(error, undefined);
          failedToStart(error);
          return;
        }
        if (first) started();
        await backOff(error.message);
        continue;
      }
      if (signal.aborted) {
        await connection.close();
        break;
      }
      this.#connection = connection;
      this.#properties = connection.properties;
      this.#ensureBuffer(connection.properties);
      if (!first) this.#stats.reconnections++;
      this.#emit({
        type: 'connected',
        severity: 'info',
        properties: connection.properties,
        reconnection: !first,
      });
      this.#setState(this.#modeState());
      if (first) started();
      first = false;
      const delivered = this.#stats.framesDecoded;
      const outcome = await this.#pump(connection);
      await connection.close();
      this.#connection = undefined;
      if (outcome.kind === 'terminated' || signal.aborted) break;
      if (outcome.kind === 'error') {
        this.#emit({
          type: 'error',
          severity: this.#reconnectable ? 'warning' : 'error',
          error: outcome.error,
          context: 'decode',
        });
      }
      if (!this.#reconnectable) {
        if (outcome.kind === 'error') this.#fail(outcome.error, undefined);
        else {
          this.#setState('ENDED');
          this.#emit({ type: 'ended', severity: 'info' });
          this.#buffer?.end();
        }
        return;
      }
      if (this.#stats.framesDecoded > delivered) attempt = 0; // a working connection resets the back-off
      this.#arrivals.reset();
      await backOff(outcome.kind === 'error' ? outcome.error.message : 'end of stream');
    }
    started(); // terminated before the first connection: start() resolves
  }

  /** Reads frames from one connection until it ends, fails, stalls or the source terminates. */
  async #pump(connection: Connection): Promise<PumpOutcome> {
    const signal = this.#abort.signal;
    const buffer = this.#buffer!;
    const stall = this.#stall;
    stall.reset();
    let pending: Promise<DecodedFrame | null> | undefined;
    let pendingSince = 0;
    // A wait for a frame measures the stream's pace only when nothing else held the reader.
    let paced = true;
    for (;;) {
      if (signal.aborted) return { kind: 'terminated' };
      if (this.#mode === 'pause') {
        await this.#untilModeChangeOr([], signal);
        paced = false;
        continue;
      }
      if (this.fillingStrategy === 'WAIT' && this.#mode === 'run' && buffer.full) {
        await this.#untilModeChangeOr([buffer.whenSpace()], signal);
        paced = false;
        continue;
      }
      // A read abandoned by a timeout while paused is still in flight: reuse it.
      if (!pending) {
        pending = connection.next();
        pendingSince = performance.now();
      }
      const stallMs = stall.limitMs;
      const waitStart = performance.now();
      let next: Deadline<DecodedFrame | null>;
      try {
        next = await settleWithin(pending, stallMs, signal);
      } catch (e) {
        return { kind: 'error', error: toPipelineError(e, 'PIPE_ERR_FFMPEG_FAILED') };
      }
      if (next.kind === 'aborted') return { kind: 'terminated' };
      if (next.kind === 'timeout') {
        if ((this.#mode as Mode) === 'pause') continue; // paused meanwhile: no data is expected
        // A timer that fired late means a blocked event loop, which may also hold the frame's
        // I/O callback: give the adaptive limit another period (the fixed timeout still bounds it).
        const now = performance.now();
        if (stall.adaptive && now - waitStart - stallMs > LOOP_LAG_MS && now - pendingSince < stall.fixedMs) {
          continue;
        }
        return {
          kind: 'error',
          error: new PipelineError(
            'PIPE_ERR_SOURCE_STALLED',
            `${this.reference} sent no frame for ${stallMs} ms` +
              (stall.adaptive ? ' (adaptive limit from its frame pace)' : ''),
            { details: { stallMs, adaptive: stall.adaptive } },
          ),
        };
      }
      pending = undefined;
      const decoded = next.value;
      if (!decoded) return { kind: 'end' };
      const now = performance.now();
      if (paced) stall.observe(now - waitStart);
      paced = true;
      this.#arrivals.tick(now);
      this.#stats.framesDecoded++;
      const props = this.#properties!;
      const frameTimestamp =
        connection.timestampBase !== undefined && decoded.ptsSec !== undefined
          ? connection.timestampBase + decoded.ptsSec * 1000
          : Date.now();
      const frame: VideoFrame = {
        image: decoded.image,
        frameId: this.#nextFrameId++,
        frameTimestamp,
        sourceId: this.sourceId,
        fps: props.fps,
        measuredFps: this.live ? this.#arrivals.fps() : props.fps,
        decodedAt: now,
        isFile: props.isFile,
      };
      if (decoded.ptsSec !== undefined) frame.ptsSec = decoded.ptsSec;
      if (this.#mode === 'mute') this.#drop(frame, 'muted');
      else if (this.#rateGate && !this.#rateGate.accept(now)) this.#drop(frame, 'rate_limit');
      else if (this.#adaptive?.shouldDrop(now)) this.#drop(frame, 'adaptive');
      else {
        const { dropped } = buffer.offer(frame, this.fillingStrategy);
        if (dropped) this.#drop(dropped, 'buffer_full');
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  #ensureBuffer(props: SourceProperties): void {
    if (this.#buffer) return;
    let capacity = this.#options.bufferSize;
    if (capacity === undefined) {
      const frameBytes = Math.max(
        1,
        (this.#options.size?.width ?? props.width) * (this.#options.size?.height ?? props.height) * 3,
      );
      capacity = this.live ? 2 : Math.max(2, Math.min(64, Math.floor(MAX_BUFFER_BYTES / frameBytes)));
    }
    this.#buffer = new FrameBuffer(capacity);
    for (const wake of this.#bufferWaiters.splice(0)) wake();
  }

  #bufferWaiters: Array<() => void> = [];

  /** The buffer, once it exists; undefined when the source terminated or failed before connecting. */
  async #bufferReady(): Promise<FrameBuffer | undefined> {
    while (!this.#buffer) {
      if (this.#state === 'ERROR' || this.#state === 'ENDED') return undefined;
      await Promise.race([new Promise<void>((r) => this.#bufferWaiters.push(r)), this.#whenFinished()]);
    }
    return this.#buffer;
  }

  #finishedWaiters: Array<() => void> = [];
  #whenFinished(): Promise<void> {
    return new Promise((r) => this.#finishedWaiters.push(r));
  }

  #modeState(): SourceState {
    return this.#mode === 'pause' ? 'PAUSED' : this.#mode === 'mute' ? 'MUTED' : 'RUNNING';
  }

  #setMode(mode: Mode): void {
    const s = this.#state;
    if (s === 'NOT_STARTED' || s === 'ENDED' || s === 'ERROR' || s === 'TERMINATING') {
      throw new PipelineError(
        'PIPE_ERR_STATE',
        `Cannot ${mode === 'run' ? 'resume' : mode} a source in state ${s}`,
      );
    }
    if (mode === this.#mode) return;
    this.#mode = mode;
    if (mode === 'run') this.#reads.reset();
    if (s === 'RUNNING' || s === 'PAUSED' || s === 'MUTED') this.#setState(this.#modeState());
    this.#wakeMode();
  }

  /** Wait for the first of `waits`, a mode change or abort. */
  async #untilModeChangeOr(waits: Promise<unknown>[], signal: AbortSignal): Promise<void> {
    let wake!: () => void;
    const changed = new Promise<void>((r) => {
      wake = r;
    });
    this.#modeWaiters.add(wake);
    try {
      await firstOrAbort([...waits, changed], signal);
    } finally {
      this.#modeWaiters.delete(wake);
    }
  }

  #wakeMode(): void {
    const wakers = [...this.#modeWaiters];
    this.#modeWaiters.clear();
    for (const wake of wakers) wake();
  }

  #setState(state: SourceState): void {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#emit({ type: 'state', severity: 'info', previous, state });
    if (state === 'ENDED' || state === 'ERROR') for (const wake of this.#finishedWaiters.splice(0)) wake();
  }

  #fail(error: PipelineError, context: 'decode' | undefined): void {
    if (context) this.#emit({ type: 'error', severity: 'error', error, context });
    this.#setState('ERROR');
    this.#buffer?.end();
  }

  #drop(frame: VideoFrame, cause: DropCause): void {
    if (cause === 'muted') this.#stats.droppedWhileMuted++;
    else if (cause === 'rate_limit') this.#stats.droppedByRateLimit++;
    else if (cause === 'adaptive') this.#stats.droppedAdaptive++;
    else this.#stats.droppedByBuffer++;
    // a dropped frame never left the source: its buffer can take a later frame
    this.#spares?.give(frame.image.data);
    if (this.#options.onEvent) {
      this.#emit({
        type: 'frame_dropped',
        severity: 'debug',
        frameId: frame.frameId,
        frameTimestamp: frame.frameTimestamp,
        cause,
      });
    }
  }

  #emit(event: DistributiveOmit<SourceEvent, 'sourceId' | 'timestamp'>): void {
    const handler = this.#options.onEvent;
    if (!handler) return;
    try {
      handler({ ...event, sourceId: this.sourceId, timestamp: Date.now() } as SourceEvent);
    } catch {
      // Handlers must not break the source; their errors are theirs.
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function validateOptions(o: VideoSourceOptions): void {
  const bad = (what: string) => {
    throw new PipelineError('PIPE_ERR_INVALID_OPTION', what);
  };
  if (o.maxFps !== undefined && !(o.maxFps > 0)) bad(`maxFps must be > 0 (got ${o.maxFps})`);
  if (o.bufferSize !== undefined && !(Number.isInteger(o.bufferSize) && o.bufferSize >= 1)) {
    bad(`bufferSize must be an integer >= 1 (got ${o.bufferSize})`);
  }
  if (
    o.size &&
    !(
      Number.isInteger(o.size.width) &&
      o.size.width > 0 &&
      Number.isInteger(o.size.height) &&
      o.size.height > 0
    )
  ) {
    bad('size must have positive integer width and height');
  }
  const threads = o.decoderThreads;
  if (threads !== undefined && threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1)) {
    bad(`decoderThreads must be an integer >= 1 or 'auto' (got ${threads})`);
  }
  for (const key of ['connectTimeoutMs', 'stallTimeoutMs', 'killGraceMs'] as const) {
    const v = o[key];
    if (v !== undefined && !(v > 0)) bad(`${key} must be > 0 (got ${v})`);
  }
}
