// The only module that imports onnxruntime-node: everything else sees the
// small InferenceSession interface from ./types.js.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { InferenceError } from '../errors.js';
import type {
  ExecutionProvider,
  InferenceSession,
  SessionOptions,
  TensorData,
  TensorElementType,
  TensorInfo,
} from './types.js';

const ORT_PROVIDER_NAME: Record<ExecutionProvider, string> = {
  cpu: 'cpu',
  cuda: 'cuda',
  tensorrt: 'tensorrt',
  coreml: 'coreml',
  dml: 'dml',
  webgpu: 'webgpu',
};

/** Providers this build of onnxruntime-node can load on this machine. */
export function availableProviders(): ExecutionProvider[] {
  const supported = ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
  const names = new Set(supported.map((b) => b.name));
  return (Object.keys(ORT_PROVIDER_NAME) as ExecutionProvider[]).filter((p) =>
    names.has(ORT_PROVIDER_NAME[p]),
  );
}

function toInfo(meta: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!meta.isTensor) return { name: meta.name, type: 'unknown', shape: [] };
  return {
    name: meta.name,
    type: (meta.type as TensorElementType) ?? 'unknown',
    shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : String(d))),
  };
}

/**
 * Calls to inference worker threads not answered yet, process-wide. Exiting
 * the process while a worker is inside ONNX Runtime aborts it (SIGABRT): the
 * binding throws a C++ `Napi::Error` when its isolate is torn down under it.
 */
const workerCallsInFlight = new Set<Promise<unknown>>();
let halted = false;

const haltedError = () =>
  new InferenceError('CORE_ERR_DISPOSED', 'inference is halted: the process is exiting');

/**
 * For process exit paths only: every session in this process stops starting
 * runs or loads (they reject with CORE_ERR_DISPOSED), and the promise
 * resolves once no worker thread is inside ONNX Runtime, so `process.exit()`
 * is then safe. Runs already started cannot be interrupted; this waits for
 * at most one run per worker. There is no way back.
 */
export async function haltInferenceForExit(): Promise<void> {
  halted = true;
  while (workerCallsInFlight.size > 0) await Promise.allSettled([...workerCallsInFlight]);
}

/**
 * ONNX Runtime's session-creation failure as an error: a file it cannot
 * parse or check (not ONNX, truncated, invalid graph, missing) is the model
 * package's fault (CORE_ERR_MODEL_ARTEFACT), anything else the runtime's.
 */
function sessionError(message: string, cause?: unknown): InferenceError {
  const badFile =
    /protobuf parsing failed|INVALID_PROTOBUF|INVALID_GRAPH|ModelProto|File doesn't exist|No graph was found|Unsupported model IR version|opset/i.test(
      message,
    );
  return badFile
    ? new InferenceError(
        'CORE_ERR_MODEL_ARTEFACT',
        `the model file is not a loadable ONNX model: ${message}`,
        {
          cause,
        },
      )
    : new InferenceError('CORE_ERR_RUNTIME_SESSION', `cannot create ONNX Runtime session: ${message}`, {
        cause,
      });
}

/** An onnxruntime-node session behind the core's backend interface. */
export class OnnxSession implements InferenceSession {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly providers: readonly ExecutionProvider[];
  #session: ort.InferenceSession | null;

  private constructor(session: ort.InferenceSession, providers: ExecutionProvider[]) {
    this.#session = session;
    this.providers = providers;
    this.inputs = session.inputMetadata.map(toInfo);
    this.outputs = session.outputMetadata.map(toInfo);
  }

  /** Create a session from a file path or the model bytes; unavailable providers fall back to CPU with a warning. */
  static async create(model: string | Uint8Array, options: SessionOptions = {}): Promise<InferenceSession> {
    if (halted) throw haltedError();
    if (options.worker) return WorkerOnnxSession.create(model, options);
    const { chosen, sessionOptions } = planSession(options);
    try {
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions)
          : await ort.InferenceSession.create(model, sessionOptions);
      return new OnnxSession(session, chosen);
    } catch (cause) {
      if (chosen.length > 1) {
        // A provider that is listed but fails to initialise (no GPU, missing libraries): retry on CPU, visibly.
        options.onWarning?.(providerFailedWarning(chosen, (cause as Error)?.message ?? String(cause)));
        return OnnxSession.create(model, {
          ...options,
          providers: ['cpu'],
          onWarning: undefined,
          worker: false,
        });
      }
      throw sessionError(String((cause as Error)?.message ?? cause), cause);
    }
  }

  async run(
    feeds: Record<string, TensorData>,
    outputNames?: readonly string[],
  ): Promise<Record<string, TensorData>> {
    const session = this.#session;
    if (!session) throw new InferenceError('CORE_ERR_DISPOSED', 'session was disposed');
    if (halted) throw haltedError();
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.data, t.dims);
    let out: ort.InferenceSession.ReturnType;
    try {
      out = outputNames ? await session.run(ortFeeds, outputNames as string[]) : await session.run(ortFeeds);
    } catch (cause) {
      throw new InferenceError(
        'CORE_ERR_RUNTIME_RUN',
        `ONNX Runtime failed: ${String((cause as Error)?.message ?? cause)}`,
        { cause },
      );
    }
    const result: Record<string, TensorData> = {};
    for (const [name, t] of Object.entries(out)) {
      result[name] = { data: t.data as TensorData['data'], dims: t.dims.slice() };
    }
    return result;
  }

  async dispose(): Promise<void> {
    const s = this.#session;
    this.#session = null;
    if (s) await s.release();
  }
}

const ORT_LOG_LEVELS = ['verbose', 'info', 'warning', 'error', 'fatal'] as const;
type OrtLogLevel = (typeof ORT_LOG_LEVELS)[number];

let ortLevel: OrtLogLevel = 'fatal';

/**
 * Sets ONNX Runtime's own log level for sessions created from now on (it is
 * process-wide in ORT): a valid level name, else 'fatal'. Apps pass their
 * `$ORT_LOG_LEVEL` (`InferenceEngine` does, from its `env` option); the core
 * reads no environment. 'fatal' by default because ORT prints its errors raw
 * (red, timestamped) on stderr from native code even when it also throws
 * them, e.g. when a listed provider's library cannot load. Every such error
 * reaches us as an exception that we wrap or turn into one warning, so its log
 * line would only repeat (or contradict) ours.
 */
export function setOrtLogLevel(level: string | undefined): OrtLogLevel {
  const v = level?.trim().toLowerCase() ?? '';
  ortLevel = (ORT_LOG_LEVELS as readonly string[]).includes(v) ? (v as OrtLogLevel) : 'fatal';
  return ortLevel;
}

/** ONNX Runtime's own log level (see {@link setOrtLogLevel}). */
export function ortLogLevel(): OrtLogLevel {
  return ortLevel;
}

/** The one warning for providers that are built in but failed to start (no GPU, missing libraries). */
function providerFailedWarning(chosen: readonly ExecutionProvider[], reason: string): string {
  const failed = chosen.filter((p) => p !== 'cpu');
  return `execution provider ${failed.join(', ')} could not be initialised on this machine (${reason}); running on cpu instead (ORT_LOG_LEVEL=error shows ONNX Runtime's own log)`;
}

/** Providers to ask for and the ONNX Runtime options, with a visible warning for unavailable providers. */
function planSession(options: SessionOptions): {
  chosen: ExecutionProvider[];
  sessionOptions: ort.InferenceSession.SessionOptions;
} {
  const wanted = options.providers?.length ? options.providers : (['cpu'] as ExecutionProvider[]);
  const available = new Set(availableProviders());
  const chosen = wanted.filter((p) => available.has(p));
  const dropped = wanted.filter((p) => !available.has(p));
  if (dropped.length > 0) {
    options.onWarning?.(
      `execution provider(s) ${dropped.join(', ')} not available in this onnxruntime-node build; falling back to ${[...chosen, 'cpu'].filter((v, i, a) => a.indexOf(v) === i).join(', ')}`,
    );
  }
  if (!chosen.includes('cpu')) chosen.push('cpu');
  // read by onnxruntime-node once, when its first session is created
  ort.env.logLevel = ortLogLevel();
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: chosen.map((p) => ORT_PROVIDER_NAME[p]),
    graphOptimizationLevel: options.graphOptimization ?? 'all',
    interOpNumThreads: options.interOpThreads ?? 1,
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.allowSpinning === false
      ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }
      : {}),
  };
  return { chosen, sessionOptions };
}

/**
 * The worker thread's program (sent as source text, so it needs no file of its
 * own): one ONNX Runtime session, driven by messages. onnxruntime-node runs an
 * inference synchronously on the calling thread; here that thread is not the
 * main one, so the event loop stays free and sessions in several workers
 * really run side by side.
 */
function workerMain(): void {
  // this source runs as a CommonJS worker script, hence require
  const { parentPort, workerData } = require('node:worker_threads');
  const rt = require(workerData.ortPath);
  // the worker has its own copy of onnxruntime-common: its log level is set here too
  rt.env.logLevel = workerData.logLevel;
  let session:
    | {
        run: (feeds: Record<string, unknown>, outputNames?: unknown) => Promise<unknown>;
        release: () => Promise<void>;
        inputMetadata: unknown;
        outputMetadata: unknown;
      }
    | undefined;
  const reply = (msg: unknown, transfer: ArrayBuffer[] = []) => parentPort.postMessage(msg, transfer);
  // output buffers the main thread is done with, by output name: the next outputs of the same
  // size are copied into one and it goes back, so the main thread allocates nothing per run
  const spare = new Map<string, ArrayBuffer[]>();
  const reuse = (name: string, data: { buffer: ArrayBuffer; byteLength: number }) => {
    const list = spare.get(name);
    const i = list ? list.findIndex((b) => b.byteLength === data.byteLength) : -1;
    if (i < 0 || data.byteLength === 0) return data;
    const buffer = list!.splice(i, 1)[0];
    new Uint8Array(buffer).set(new Uint8Array(data.buffer, (data as Uint8Array).byteOffset, data.byteLength));
    return new (data.constructor as new (b: ArrayBuffer) => { buffer: ArrayBuffer; byteLength: number })(
      buffer,
    );
  };
  parentPort.on('message', async (msg: { id: number; type: string; [k: string]: unknown }) => {
    if (msg.type === 'recycle') {
      for (const { name, buffer } of msg.buffers as { name: string; buffer: ArrayBuffer }[]) {
        const list = spare.get(name) ?? [];
        if (list.length < 2) list.push(buffer);
        spare.set(name, list);
      }
      return;
    }
    try {
      if (msg.type === 'create') {
        session = await rt.InferenceSession.create(msg.model, msg.options);
        reply({ id: msg.id, ok: true, inputs: session!.inputMetadata, outputs: session!.outputMetadata });
      } else if (msg.type === 'run') {
        const feeds: Record<string, unknown> = {};
        for (const [name, t] of Object.entries(
          msg.feeds as Record<string, { data: unknown; dims: number[] }>,
        )) {
          feeds[name] = new rt.Tensor(t.data, t.dims);
        }
        const out = msg.outputNames ? await session!.run(feeds, msg.outputNames) : await session!.run(feeds);
        const outputs: Record<string, { data: { buffer: ArrayBuffer }; dims: number[] }> = {};
        const transfer: ArrayBuffer[] = [];
        for (const [name, t] of Object.entries(
          out as Record<string, { data: { buffer: ArrayBuffer; byteLength: number }; dims: number[] }>,
        )) {
          const data = reuse(name, t.data);
          outputs[name] = { data, dims: [...t.dims] };
          if (!transfer.includes(data.buffer)) transfer.push(data.buffer);
        }
        // the input buffers go back too (see WorkerOnnxSession.run): nothing is allocated per run
        const staged: ArrayBuffer[] = [];
        for (const t of Object.values(msg.feeds as Record<string, { data: { buffer: ArrayBuffer } }>)) {
          const b = t.data.buffer;
          if (b instanceof ArrayBuffer && b.byteLength > 0 && !transfer.includes(b)) {
            staged.push(b);
            transfer.push(b);
          }
        }
        reply({ id: msg.id, ok: true, outputs, staged }, transfer);
      } else if (msg.type === 'dispose') {
        await session?.release();
        session = undefined;
        reply({ id: msg.id, ok: true });
      }
    } catch (e) {
      reply({ id: msg.id, ok: false, error: String((e as Error)?.message ?? e) });
    }
  });
}

/** Inputs smaller than this are simply cloned to the worker. */
const MIN_STAGED_BYTES = 64 * 1024;
/** Staging buffers kept per size: enough for a few concurrent runs. */
const MAX_STAGED_PER_SIZE = 4;

/**
 * Input staging buffers back from the workers, by byte length. Shared by every worker
 * session: a buffer lent by `lendInput` may run on any session of a pool, and comes
 * back from that one.
 */
const staging = new Map<number, ArrayBuffer[]>();
/** Buffers handed out by `lendInput` and not yet run: they go to the worker as they are. */
const lent = new WeakSet<ArrayBufferLike>();

function takeStaging(bytes: number): ArrayBuffer {
  return staging.get(bytes)?.pop() ?? new ArrayBuffer(bytes);
}

function giveStaging(buffer: ArrayBuffer): void {
  if (buffer.byteLength < MIN_STAGED_BYTES) return;
  const list = staging.get(buffer.byteLength) ?? [];
  if (list.length < MAX_STAGED_PER_SIZE) list.push(buffer);
  staging.set(buffer.byteLength, list);
}

type WorkerReply = { id: number; ok: boolean; error?: string; [k: string]: unknown };

/** An ONNX Runtime session living in its own worker thread (see `SessionOptions.worker`). */
export class WorkerOnnxSession implements InferenceSession {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }>();
  #inputs: readonly TensorInfo[] = [];
  #outputs: readonly TensorInfo[] = [];
  #providers: readonly ExecutionProvider[] = [];
  #nextId = 0;
  #disposed = false;

  private constructor() {
    // `__name`: the helper esbuild-based loaders (tsx, vitest) insert into functions; the worker source has none
    this.#worker = new Worker(`var __name = (f) => f; (${workerMain.toString()})()`, {
      eval: true,
      workerData: {
        ortPath: createRequire(import.meta.url).resolve('onnxruntime-node'),
        logLevel: ortLogLevel(),
      },
    });
    const fail = (e: Error) => {
      for (const p of this.#pending.values()) p.reject(e);
      this.#pending.clear();
    };
    this.#worker.on('message', (r: WorkerReply) => {
      const p = this.#pending.get(r.id);
      this.#pending.delete(r.id);
      if (this.#pending.size === 0) this.#worker.unref(); // an idle worker never keeps the process alive
      p?.resolve(r);
    });
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`inference worker exited (code ${code})`)));
  }

  get inputs(): readonly TensorInfo[] {
    return this.#inputs;
  }

  get outputs(): readonly TensorInfo[] {
    return this.#outputs;
  }

  get providers(): readonly ExecutionProvider[] {
    return this.#providers;
  }

  static async create(model: string | Uint8Array, options: SessionOptions = {}): Promise<InferenceSession> {
    if (halted) throw haltedError();
    const { chosen, sessionOptions } = planSession(options);
    const s = new WorkerOnnxSession();
    const r = await s
      .#call({ type: 'create', model, options: sessionOptions })
      .catch((e: Error): WorkerReply => ({ id: 0, ok: false, error: e.message }));
    if (!r.ok) {
      await s.#worker.terminate();
      if (chosen.length > 1) {
        // a listed provider that fails to initialise: retry on CPU, visibly
        options.onWarning?.(providerFailedWarning(chosen, r.error ?? 'unknown error'));
        return WorkerOnnxSession.create(model, { ...options, providers: ['cpu'], onWarning: undefined });
      }
      throw sessionError(String(r.error));
    }
    const info = (list: unknown) => (list as ort.InferenceSession.ValueMetadata[]).map(toInfo);
    s.#inputs = info(r.inputs);
    s.#outputs = info(r.outputs);
    s.#providers = chosen;
    return s;
  }

  #call(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    const id = ++this.#nextId;
    const call = new Promise<WorkerReply>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.ref(); // a pending call keeps the process alive
      this.#worker.postMessage({ ...msg, id }, transfer);
    });
    const tracked: Promise<unknown> = call
      .catch(() => undefined)
      .finally(() => workerCallsInFlight.delete(tracked));
    workerCallsInFlight.add(tracked);
    return call;
  }

  async run(
    feeds: Record<string, TensorData>,
    outputNames?: readonly string[],
  ): Promise<Record<string, TensorData>> {
    if (this.#disposed) throw new InferenceError('CORE_ERR_DISPOSED', 'session was disposed');
    if (halted) throw haltedError();
    // Callers keep and reuse their input buffers, so inputs are copied. Large ones are copied
    // into staging buffers that are transferred to the worker and come back with the reply:
    // a structured clone would allocate megabytes per run on both sides (garbage collections).
    const staged: Record<string, TensorData> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(feeds)) {
      const bytes = t.data.byteLength;
      const own = t.data.buffer;
      if (lent.has(own) && t.data.byteOffset === 0 && bytes === own.byteLength) {
        // the caller wrote straight into a lent buffer and lets it go: no copy
        lent.delete(own);
        staged[name] = t;
        transfer.push(own as ArrayBuffer);
        continue;
      }
      if (bytes < MIN_STAGED_BYTES) {
        staged[name] = t;
        continue;
      }
      const buffer = takeStaging(bytes);
      new Uint8Array(buffer).set(new Uint8Array(t.data.buffer, t.data.byteOffset, bytes));
      const Typed = t.data.constructor as new (b: ArrayBuffer) => TensorData['data'];
      staged[name] = { data: new Typed(buffer), dims: t.dims };
      transfer.push(buffer);
    }
    let r: WorkerReply;
    try {
      r = await this.#call({ type: 'run', feeds: staged, outputNames }, transfer);
    } catch (cause) {
      throw new InferenceError(
        'CORE_ERR_RUNTIME_RUN',
        `inference worker failed: ${String((cause as Error)?.message ?? cause)}`,
        { cause },
      );
    }
    for (const b of (r.staged as ArrayBuffer[] | undefined) ?? []) giveStaging(b);
    if (!r.ok) throw new InferenceError('CORE_ERR_RUNTIME_RUN', `ONNX Runtime failed: ${r.error}`);
    return r.outputs as Record<string, TensorData>;
  }

  /**
   * A buffer of `bytes` bytes to write an input into and pass to `run` as a whole: it goes
   * to the worker without the copy `run` makes of inputs the caller keeps (it is detached
   * here once `run` starts). Undefined for small inputs, which are simply cloned.
   */
  lendInput(bytes: number): ArrayBuffer | undefined {
    if (this.#disposed || bytes < MIN_STAGED_BYTES) return undefined;
    const buffer = takeStaging(bytes);
    lent.add(buffer);
    return buffer;
  }

  /** Hands whole output buffers back to the worker (transferred: they are unusable here afterwards). */
  release(outputs: Record<string, TensorData>): void {
    if (this.#disposed) return;
    const buffers: { name: string; buffer: ArrayBuffer }[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const [name, t] of Object.entries(outputs)) {
      const b = t.data.buffer;
      // a view into a larger buffer (a row of a batch), or one already detached, stays
      if (!(b instanceof ArrayBuffer) || b.byteLength === 0 || t.data.byteOffset !== 0) continue;
      if (t.data.byteLength !== b.byteLength || transfer.includes(b)) continue;
      buffers.push({ name, buffer: b });
      transfer.push(b);
    }
    if (transfer.length === 0) return;
    try {
      this.#worker.postMessage({ type: 'recycle', buffers }, transfer);
    } catch {
      // not transferable here: the worker simply allocates
    }
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.#call({ type: 'dispose' }).catch(() => undefined);
    await this.#worker.terminate();
  }
}
