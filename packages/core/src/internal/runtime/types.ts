/** Execution providers a session may ask for, in preference order. CPU is always the last resort. */
export type ExecutionProvider = 'cpu' | 'cuda' | 'tensorrt' | 'coreml' | 'dml' | 'webgpu';

export interface SessionOptions {
  /** Providers in preference order (default ['cpu']). Unavailable ones fall back to CPU with a warning. */
  providers?: ExecutionProvider[];
  /** Threads inside one operator (default: ORT's choice). */
  intraOpThreads?: number;
  /** Threads across operators (default 1). */
  interOpThreads?: number;
  /**
   * Let idle intra-op threads spin-wait for the next job (ONNX Runtime's
   * default, true). Turn off when several sessions share few cores: spinning
   * threads of one session steal the CPU the next session needs.
   */
  allowSpinning?: boolean;
  /**
   * Run the session in its own worker thread (default false). onnxruntime-node
   * runs an inference synchronously on the calling thread; in a worker the
   * main event loop stays free during inference (HTTP, decoding, sinks go on),
   * and several sessions really run in parallel. Costs one copy of the input.
   */
  worker?: boolean;
  /** Graph optimisation level (default 'all'). */
  graphOptimization?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Called with a human-readable warning (provider fall-back, ...). */
  onWarning?: (message: string) => void;
}

export type TensorElementType =
  | 'float32'
  | 'float16'
  | 'int64'
  | 'int32'
  | 'uint8'
  | 'int8'
  | 'bool'
  | 'string'
  | 'unknown';

/** Input/output metadata. Symbolic dimensions (dynamic batch, ...) are strings or -1. */
export interface TensorInfo {
  name: string;
  type: TensorElementType;
  shape: (number | string)[];
}

/** A plain tensor crossing the runtime boundary. */
export interface TensorData {
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;
  dims: number[];
}

/** The backend seen by the rest of the core: create, run, dispose. */
export interface InferenceSession {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  /** Providers actually in use after fall-back. */
  readonly providers: readonly ExecutionProvider[];
  run(
    feeds: Record<string, TensorData>,
    outputNames?: readonly string[],
  ): Promise<Record<string, TensorData>>;
  /**
   * Optional: the caller is done with these outputs of `run` and will never read them
   * again; the session may reuse their memory for later outputs (a worker session gets
   * them back and lets ONNX Runtime write into them, sparing an allocation per run).
   */
  release?(outputs: Record<string, TensorData>): void;
  /**
   * Optional: a buffer of `bytes` bytes for one input of the next `run`, written by the
   * caller and given up to it (a worker session sends it to the worker instead of copying
   * the input; the caller must not touch it after `run`). Undefined when not offered.
   */
  lendInput?(bytes: number): ArrayBuffer | undefined;
  dispose(): Promise<void>;
}
