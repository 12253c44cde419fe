import {
  type Detections,
  encodeImage,
  InferenceEngine,
  type InferenceResult,
  type InferOptions,
} from '@inference-ts/core';
import { annotateDetections } from '@inference-ts/core/annotate';
import {
  frameMetadata,
  InferencePipeline,
  type InferencePipelineOptions,
  type PipelineSourceOptions,
  toRoboflowReport,
  type VideoFrame,
} from '@inference-ts/pipeline';
import { StreamManagerError } from './errors.js';
import { toStreamError } from './failures.js';
import type { ModelProcessing, PipelineSpec } from './payload.js';
import type { ConsumeValue, PreviewValue, StatusValue } from './protocol.js';
import { ResultsBuffer } from './results-buffer.js';
import type { JsonObject } from './validate.js';
import { compileWorkflow } from './workflow/compile.js';
import { type FrameResult, WorkflowRunner } from './workflow/runner.js';
import { serialiseOutputs } from './workflow/serialise.js';

/** What the process keeps of one batch until it is consumed. */
interface Buffered {
  outputs: (Record<string, unknown> | null)[];
  frames: (ReturnType<typeof frameMetadata> | null)[];
}

interface Latest {
  frame: VideoFrame;
  detections: Detections | undefined;
  classNames: readonly string[] | undefined;
  jpeg?: PreviewValue;
  /** Previews being made from `frame.image` (its pixels must not be reused meanwhile). */
  encoding?: number;
}

export interface PipelineHostOptions {
  /** ONNX Runtime threads per session (default 1: pipelines share the cores). */
  threads?: number;
  /** Model cache folder (core default otherwise). */
  cacheDir?: string;
  /** The process environment, for the core's defaults (XDG_CACHE_HOME, ORT_LOG_LEVEL); the core reads none itself. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Run ONNX Runtime sessions in a worker thread, keeping this process responsive during inference (default true). */
  sessionThread?: boolean;
  /** Roboflow API base URL (tests point it at the fake). */
  apiBaseUrl?: string;
  /** Allow plain-http model URLs / API (tests). */
  allowHttp?: boolean;
  /** Called once when every source ended or the pipeline stopped on its own. */
  onEnded?: (state: string) => void;
  /**
   * Receive every result as soon as it is made, serialised (in order), instead of
   * keeping them here for `consume()`: the manager buffers them and answers consume
   * without a round trip to this process.
   */
  onResult?: (result: SerialisedResult) => void;
}

/** One batch as Roboflow's consume returns it (all outputs; exclusions are applied by the consumer). */
export interface SerialisedResult {
  outputs: (Record<string, unknown> | null)[];
  frames_metadata: ({ frame_timestamp: string; frame_id: number; source_id: number } | null)[];
}

function inferOptions(p: ModelProcessing): InferOptions {
  const o: InferOptions = {};
  if (p.confidence !== null) o.confidence = p.confidence;
  if (p.iouThreshold !== null) o.iouThreshold = p.iouThreshold;
  if (p.classAgnosticNms) o.classAgnosticNms = true;
  if (p.maxDetections !== null) o.maxDetections = p.maxDetections;
  if (p.maxCandidates !== null) o.maxCandidates = p.maxCandidates;
  if (p.classFilter) o.classFilter = p.classFilter;
  return o;
}

/** Roboflow's OpenCV capture properties we can honour: frame size (ffmpeg scales) and webcam fps. */
function sourceOptions(spec: PipelineSpec): PipelineSourceOptions {
  const props = spec.video.videoSourceProperties ?? {};
  const o: PipelineSourceOptions = { bufferSize: spec.decodingBufferSize, killGraceMs: 400 };
  const w = Number(props.frame_width ?? 0);
  const h = Number(props.frame_height ?? 0);
  if (props.rtsp_transport === 'udp' || props.rtsp_transport === 'tcp')
    o.rtspTransport = props.rtsp_transport;
  if (w && h) {
    o.size = { width: Math.round(w), height: Math.round(h) };
    o.webcam = { width: Math.round(w), height: Math.round(h) };
  }
  if (props.fps) o.webcam = { ...o.webcam, fps: Number(props.fps) };
  return o;
}

/**
 * Runs one pipeline inside a pipeline process: builds it from a checked spec (a
 * workflow or one model), keeps results in a bounded buffer and the newest frame per
 * source for the preview, and answers the manager's commands.
 */
export class PipelineHost {
  readonly #options: PipelineHostOptions;
  #engine: InferenceEngine | undefined;
  #runner: WorkflowRunner | undefined;
  #pipeline: InferencePipeline<unknown> | undefined;
  #buffer = new ResultsBuffer<Buffered>(64);
  #latest = new Map<number, Latest>();
  #terminating: Promise<void> | undefined;
  /** Serialisations of pushed results, chained to keep their order. */
  #publishing: Promise<void> = Promise.resolve();
  #pendingPublish = 0;
  #capacity = 64;
  /** The pipeline reuses frame buffers: the preview keeps its own copy of the newest frame. */
  #recycling = false;

  constructor(options: PipelineHostOptions = {}) {
    this.#options = options;
  }

  get started(): boolean {
    return this.#pipeline !== undefined;
  }

  /**
   * Builds and starts the pipeline; resolves once every source connected (a source that
   * cannot be opened fails the init, as Roboflow does not retry a first connection).
   */
  async init(spec: PipelineSpec, workflow: JsonObject | null): Promise<void> {
    if (this.#pipeline || this.#terminating)
      throw new StreamManagerError('STREAM_ERR_OPERATION', 'The pipeline is already initialised.');
    this.#buffer = new ResultsBuffer(spec.resultsBufferSize);
    this.#capacity = spec.resultsBufferSize;
    const engine = new InferenceEngine({
      ...(this.#options.env ? { env: this.#options.env } : {}),
      ...(spec.apiKey ? { apiKey: spec.apiKey } : {}),
      ...(this.#options.cacheDir ? { cacheDir: this.#options.cacheDir } : {}),
      ...(this.#options.apiBaseUrl ? { apiBaseUrl: this.#options.apiBaseUrl } : {}),
      ...(this.#options.allowHttp ? { allowHttp: true } : {}),
      session: { intraOpThreads: this.#options.threads ?? 1, worker: this.#options.sessionThread ?? true },
    });
    this.#engine = engine;
    try {
      const base: Omit<InferencePipelineOptions<unknown>, 'model' | 'onVideoFrame'> = {
        videoReference: spec.video.videoReference,
        engine,
        onPrediction: (predictions, frames) => this.#collect(predictions, frames),
        sourceBufferFillingStrategy: spec.video.fillingStrategy,
        sourceBufferConsumptionStrategy: spec.video.consumptionStrategy,
        ...(spec.video.maxFps !== null ? { maxFps: spec.video.maxFps } : {}),
        ...(spec.video.batchCollectionTimeout !== null
          ? { batchCollectionTimeoutMs: spec.video.batchCollectionTimeout * 1000 }
          : {}),
        failOnFirstConnect: true,
        sourceOptions: sourceOptions(spec),
        predictionsQueueSize: spec.predictionsQueueSize,
        terminateTimeoutMs: 800,
        sinkCloseTimeoutMs: 300,
      };
      const p = spec.processing;
      let options: InferencePipelineOptions<unknown>;
      if (p.type === 'ModelConfiguration') {
        // results hold no pixels, and the preview copies its frame: the decoders may reuse
        // frame buffers (a workflow's outputs can hold images, serialised later: not there)
        this.#recycling = true;
        options = {
          ...base,
          model: p.modelId,
          inferOptions: inferOptions(p),
          track: p.track,
          recycleFrames: true,
        };
      } else {
        const runner = await WorkflowRunner.create(compileWorkflow(workflow ?? p.workflowSpecification), {
          engine,
          ...(spec.apiKey ? { apiKey: spec.apiKey } : {}),
          parameters: p.workflowsParameters,
          imageInputName: p.imageInputName,
          videoMetadataInputName: p.videoMetadataInputName,
        });
        this.#runner = runner;
        options = { ...base, onVideoFrame: (frames) => runner.run(frames) };
      }
      const pipeline = await InferencePipeline.init<unknown>(options);
      this.#pipeline = pipeline;
      await pipeline.start();
      void pipeline.join().then(() => {
        if (!this.#terminating) this.#options.onEnded?.(pipeline.state);
      });
    } catch (e) {
      await this.terminate();
      throw toStreamError(e);
    }
  }

  #collect(predictions: readonly (unknown | null)[], frames: readonly (VideoFrame | null)[]): void {
    const outputs: Buffered['outputs'] = [];
    predictions.forEach((p, i) => {
      const frame = frames[i];
      if (p === null || p === undefined || !frame) {
        outputs.push(null);
        return;
      }
      if (this.#runner) {
        const r = p as FrameResult;
        outputs.push(r.outputs);
        this.#setLatest(frame, r.preview, undefined);
      } else {
        const r = p as InferenceResult;
        outputs.push({ predictions: r });
        const d = (r as { detections?: Detections }).detections;
        this.#setLatest(frame, d, (r as { classNames?: readonly string[] }).classNames);
      }
    });
    const item = { outputs, frames: frames.map((f) => (f ? frameMetadata(f) : null)) };
    const publish = this.#options.onResult;
    if (!publish) {
      this.#buffer.push(item);
      return;
    }
    // more waiting than the consumer's buffer holds: the oldest would be evicted there anyway
    if (this.#pendingPublish >= this.#capacity) {
      this.#buffer.evicted++;
      return;
    }
    this.#pendingPublish++;
    this.#publishing = this.#publishing
      .then(async () => publish(await this.#serialise(item)))
      .catch(() => undefined)
      .finally(() => {
        this.#pendingPublish--;
      });
  }

  async #serialise(item: Buffered, excluded: readonly string[] = []): Promise<SerialisedResult> {
    const outputs = await Promise.all(item.outputs.map((o) => (o ? serialiseOutputs(o, excluded) : null)));
    return {
      outputs,
      frames_metadata: item.frames.map((f) =>
        f ? { frame_timestamp: f.frame_timestamp, frame_id: f.frame_id, source_id: f.source_id } : null,
      ),
    };
  }

  #setLatest(
    frame: VideoFrame,
    detections: Detections | undefined,
    classNames: readonly string[] | undefined,
  ): void {
    if (this.#recycling) frame = this.#previewCopy(frame);
    this.#latest.set(frame.sourceId, { frame, detections, classNames });
  }

  /** The frame with its pixels copied into the preview's buffer for its source (reused unless being encoded). */
  #previewCopy(frame: VideoFrame): VideoFrame {
    const pixels = frame.image.data;
    const previous = this.#latest.get(frame.sourceId);
    const own = previous?.frame.image.data;
    const data =
      own && !previous.encoding && own.byteLength === pixels.byteLength
        ? own
        : new Uint8Array(pixels.byteLength);
    data.set(pixels);
    return { ...frame, image: { ...frame.image, data } };
  }

  #require(): InferencePipeline<unknown> {
    if (!this.#pipeline)
      throw new StreamManagerError('STREAM_ERR_OPERATION', 'The pipeline is not initialised.');
    return this.#pipeline;
  }

  mute(): void {
    this.#require().mute();
  }

  resume(): void {
    this.#require().resume();
  }

  status(): StatusValue {
    const report = this.#require().report();
    return {
      report: toRoboflowReport(report) as unknown as Record<string, unknown>,
      state: report.state,
      sources: report.sources.map((s) => ({
        sourceId: s.sourceId,
        reference: s.reference,
        state: s.state,
        fps: s.throughputFps,
        latencyMs: s.latency.endToEndMs,
        framesProcessed: s.framesProcessed,
        framesDropped: s.framesDropped,
      })),
      resultsEvicted: this.#buffer.evicted,
      resultsBuffered: this.#buffer.size,
    };
  }

  /** Pops the oldest buffered result, serialised without `excluded` outputs. */
  async consume(excluded: readonly string[]): Promise<ConsumeValue> {
    this.#require();
    const item = this.#buffer.shift();
    if (!item) return { outputs: [], frames_metadata: [], hadData: false };
    return { ...(await this.#serialise(item, excluded)), hadData: true };
  }

  /** The newest frame of a source as an annotated JPEG (encoded once per frame, on demand). */
  async preview(sourceId: number): Promise<PreviewValue | null> {
    const latest = this.#latest.get(sourceId);
    if (!latest) return null;
    if (latest.jpeg) return latest.jpeg;
    const image =
      latest.detections && latest.detections.length > 0
        ? annotateDetections(latest.frame.image, latest.detections, {
            inPlace: false,
            ...(latest.classNames ? { classNames: latest.classNames } : {}),
          })
        : latest.frame.image;
    latest.encoding = (latest.encoding ?? 0) + 1;
    let jpeg: Awaited<ReturnType<typeof encodeImage>>;
    try {
      jpeg = await encodeImage(image, 'jpeg', 70);
    } finally {
      latest.encoding--;
    }
    latest.jpeg = {
      frameId: latest.frame.frameId,
      jpeg: new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength),
    };
    return latest.jpeg;
  }

  /** Stops everything this host holds; safe in any state and idempotent. */
  terminate(): Promise<void> {
    this.#terminating ??= (async () => {
      await this.#pipeline?.terminate().catch(() => undefined);
      this.#runner?.dispose();
      await this.#engine?.dispose().catch(() => undefined);
      this.#latest.clear();
    })();
    return this.#terminating;
  }
}
