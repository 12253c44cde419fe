// The only module that imports onnxruntime-node: everything else sees the
// small InferenceSession interface from ./types.js.
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
  static async create(model: string | Uint8Array, options: SessionOptions = {}): Promise<OnnxSession> {
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
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: chosen.map((p) => ORT_PROVIDER_NAME[p]),
      graphOptimizationLevel: options.graphOptimization ?? 'all',
      interOpNumThreads: options.interOpThreads ?? 1,
      ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
      ...(options.allowSpinning === false
        ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }
        : {}),
    };
    try {
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions)
          : await ort.InferenceSession.create(model, sessionOptions);
      return new OnnxSession(session, chosen);
    } catch (cause) {
      if (chosen.length > 1) {
        // A provider that is listed but fails to initialise (no GPU, missing libraries): retry on CPU, visibly.
        options.onWarning?.(
          `execution provider(s) ${chosen.join(', ')} failed to initialise (${String(cause)}); using cpu`,
        );
        return OnnxSession.create(model, { ...options, providers: ['cpu'], onWarning: undefined });
      }
      throw new InferenceError(
        'CORE_ERR_RUNTIME_SESSION',
        `cannot create ONNX Runtime session: ${String((cause as Error)?.message ?? cause)}`,
        { cause },
      );
    }
  }

  async run(
    feeds: Record<string, TensorData>,
    outputNames?: readonly string[],
  ): Promise<Record<string, TensorData>> {
    const session = this.#session;
    if (!session) throw new InferenceError('CORE_ERR_DISPOSED', 'session was disposed');
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
