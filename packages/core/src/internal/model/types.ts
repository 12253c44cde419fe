import type { DecodeHint, ImageInput, RgbImage } from '../image/types.js';
import type { ModelManifest, Task } from '../manifest/types.js';
import type { InferenceResult } from '../results/index.js';
import type { StageTimings } from '../results/timings.js';
import type { ExecutionProvider, SessionOptions } from '../runtime/types.js';
import type { InferOptions } from '../tasks/types.js';

// the task runners own these; re-exported for the model layer's users
export type { InferOptions, ModelRuntime } from '../tasks/types.js';

/** Options used when a model is loaded. */
export interface LoadOptions extends SessionOptions {
  /**
   * Sessions kept for the model (default 1). Each runs one inference at a
   * time. onnxruntime-node runs an inference synchronously on the calling
   * thread, so several sessions only overlap in worker threads: with more
   * than one, `worker` defaults to true.
   *
   * 'adaptive': one session with every core's threads serves a request that
   * arrives when the model is idle (lowest latency), and one single-thread
   * session per core, each in a worker thread, serve concurrent requests side
   * by side (highest throughput). Measured with yolov8n on 2 cores: 14.7
   * img/s at any concurrency with one session, 18.5 img/s with two
   * single-thread worker sessions. Costs 1 + cores copies of the model, fewer
   * when a quarter of the memory cannot hold them (`adaptiveSessionCount`).
   * On one core (see `cores`), the in-thread session alone.
   */
  sessions?: number | 'adaptive';
  /**
   * Cores the 'adaptive' sessions spread over (default: every core of the
   * machine). A process that shares the machine with others of its kind
   * (several server processes, workers side by side) passes its share.
   */
  cores?: number;
  /** Memory the 'adaptive' session count is bounded by (default: the machine's). */
  memoryBytes?: number;
  /**
   * Dynamic batching: concurrent calls of a model with a symbolic batch axis
   * are stacked into one session call of up to `maxBatch` images (see
   * `BatchingSession`). Ignored for fixed-batch models. Default off: on CPU,
   * one single-thread session per core served more images (bench/parallel-api.mjs).
   */
  batching?: {
    maxBatch: number;
    /** How long a partial batch waits for more when a session is free (default 0). */
    windowMs?: number;
    /** Rows of every session call, per model (a batch-size histogram). */
    onBatch?: (modelId: string, rows: number) => void;
  };
  /** Run one inference on a blank image at load so the first request is not slow (default true). */
  warmUp?: boolean;
}

/** What a loaded model is, for registries and `/model/registry`. */
export interface ModelDescription {
  id: string;
  task: Task;
  family: string;
  inputWidth: number;
  inputHeight: number;
  /** A number for fixed-batch models, 'dynamic' when the batch dimension is symbolic. */
  batchSize: number | 'dynamic';
  classes: string[];
  providers: ExecutionProvider[];
  /** How concurrent calls are served: stacked into batches, or one per session. */
  mode: 'batching' | 'sessions';
  weightsPath: string;
  source: string;
}

/**
 * What `InferenceEngine.getModel` hands out: an ONNX model of any task, or a
 * built-in multi-model pipeline such as OCR. Results are task-typed
 * (`result.task` discriminates) and serialise to Roboflow's JSON with `toJSON()`.
 */
export interface VisionModel {
  readonly id: string;
  readonly manifest: ModelManifest;
  readonly task: Task;
  /**
   * How large JPEGs may be decoded for this model (reduced size when the
   * network samples fewer pixels), for callers that decode images themselves.
   */
  readonly decodeHint?: DecodeHint;
  describe(): ModelDescription;
  infer(input: ImageInput, options?: InferOptions): Promise<InferenceResult>;
  inferBatch(inputs: readonly ImageInput[], options?: InferOptions): Promise<InferenceResult[]>;
  inferDecoded(
    images: readonly RgbImage[],
    options?: InferOptions,
    timings?: StageTimings[],
  ): Promise<InferenceResult[]>;
  dispose(): Promise<void>;
}
