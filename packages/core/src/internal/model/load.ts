import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { InferenceError } from '../errors.js';
import { type DetectionHead, detectFamily, headFor } from '../heads/index.js';
import type { ModelManifest } from '../manifest/types.js';
import { BatchingSession, hasDynamicBatch } from '../runtime/batching-session.js';
import { OnnxSession } from '../runtime/onnx-session.js';
import { SessionPool } from '../runtime/session-pool.js';
import { adaptiveSessionCount } from '../runtime/sizing.js';
import type { InferenceSession, TensorInfo } from '../runtime/types.js';
import { Model } from './model.js';
import type { LoadOptions, ModelRuntime } from './types.js';

/** A model found by the registry, ready to load. */
export interface LoadableModel {
  id: string;
  weightsPath: string;
  manifest: ModelManifest;
  source?: string;
}

const DETECTION_TASKS = new Set(['object-detection', 'instance-segmentation', 'keypoint-detection']);

/** Class count implied by a single-output detector's shape, for bare ONNX files without class names. */
function classCountFromOutputs(outputs: readonly TensorInfo[]): number | undefined {
  if (outputs.length !== 1) return undefined;
  const [, a, b] = outputs[0].shape;
  if (typeof a !== 'number' || typeof b !== 'number') return undefined;
  if (a < b && a > 4) return a - 4; // [1, 4+C, N]: Ultralytics layout
  if (b > 5 && b !== 6) return b - 5; // [1, N, 5+C]: objectness layout
  return undefined;
}

/**
 * Fill what the manifest left open from the session: input size of static
 * models, batch size, class names of bare ONNX files, and the family.
 */
export function completeManifest(
  manifest: ModelManifest,
  session: InferenceSession,
): { manifest: ModelManifest; maxBatch: number } {
  const input = session.inputs[0];
  if (!input) throw new InferenceError('CORE_ERR_MODEL_ARTEFACT', 'the model has no inputs');
  if (input.shape.length !== 4) {
    throw new InferenceError(
      'CORE_ERR_MODEL_ARTEFACT',
      `expected an NCHW image input, got shape [${input.shape.join(', ')}]`,
    );
  }
  const [b, c, h, w] = input.shape;
  if (typeof c === 'number' && c !== 3) {
    throw new InferenceError('CORE_ERR_MODEL_ARTEFACT', `expected 3 input channels, got ${c}`);
  }
  const m: ModelManifest = { ...manifest, input: { ...manifest.input } };
  if (typeof h === 'number' && typeof w === 'number') {
    m.input.height = h;
    m.input.width = w;
  }
  if (m.classes.length === 0 && DETECTION_TASKS.has(m.task)) {
    const n = classCountFromOutputs(session.outputs);
    if (n) m.classes = Array.from({ length: n }, (_, i) => `class_${i}`);
  }
  if (DETECTION_TASKS.has(m.task) && (m.family === 'auto' || !m.family)) {
    m.family = detectFamily(session.outputs, m.classes.length, m.input);
  }
  return { manifest: m, maxBatch: typeof b === 'number' && b > 0 ? b : Number.POSITIVE_INFINITY };
}

/**
 * Input conventions the manifest left unset take the head's own (YOLOX: BGR,
 * 0..255, top-left pad), else the common ones (RGB, 1/255, centred), so a
 * bare export runs with the conventions it was trained with.
 */
export function withFamilyInputDefaults(manifest: ModelManifest, head?: DetectionHead): ModelManifest {
  const defaults = { colorOrder: 'rgb', scale: 1 / 255, padAlign: 'center', ...head?.inputDefaults } as const;
  const input = { ...manifest.input };
  input.colorOrder ??= defaults.colorOrder;
  input.scale ??= defaults.scale;
  input.padAlign ??= defaults.padAlign;
  return { ...manifest, input };
}

/**
 * Create the session, check its outputs against the declared family, and
 * warm it up, so the first real request runs at full speed.
 */
export async function loadModel(found: LoadableModel, options: LoadOptions = {}): Promise<Model> {
  const adaptive = options.sessions === 'adaptive';
  const cores = Math.max(1, Math.floor(options.cores ?? availableParallelism()));
  // adaptive: one session per core, as memory allows (a bare path may not exist yet: the create below reports it)
  const weightsBytes = adaptive
    ? await stat(found.weightsPath).then(
        (st) => st.size,
        () => 0,
      )
    : 0;
  const count = adaptive
    ? adaptiveSessionCount(weightsBytes, cores, options.memoryBytes)
    : Math.max(1, Math.floor(Number(options.sessions ?? 1)));
  // adaptive: the first session has all threads (for a lone request); the others one thread each, in workers.
  // On one core (a process's share of the machine) the first session alone: one in-thread, single-thread
  // session served more than a worker-thread one (bench/parallel-api.mjs, SERVER_PROCESSES=2 on 2 cores,
  // yolox_nano: 127 against 108 req/s): with one core, freeing the event loop buys nothing.
  // A fixed count above 1 is in worker threads: in-thread sessions could never run at the same time.
  const first = adaptive
    ? { ...options, intraOpThreads: options.intraOpThreads ?? cores }
    : { ...options, worker: options.worker ?? count > 1 };
  // the first session reports any provider fall-back; the others stay quiet
  const slim = adaptive
    ? { ...options, intraOpThreads: 1, worker: true, onWarning: undefined }
    : { ...first, onWarning: undefined };
  const others = adaptive ? (cores === 1 ? 0 : count) : count - 1;
  const plans = [first, ...Array.from({ length: others }, () => slim)];
  const sessions = [];
  try {
    for (const plan of plans) sessions.push(await OnnxSession.create(found.weightsPath, plan));
  } catch (e) {
    await Promise.all(sessions.map((s) => s.dispose()));
    throw e;
  }
  const pool =
    adaptive && sessions.length > 1
      ? new SessionPool(sessions.slice(1), sessions[0])
      : new SessionPool(sessions);
  const batching = options.batching;
  const session =
    batching && hasDynamicBatch(pool)
      ? new BatchingSession(pool, {
          maxBatch: batching.maxBatch,
          windowMs: batching.windowMs,
          capacity: pool.size,
          onBatch: batching.onBatch && ((rows) => batching.onBatch?.(found.id, rows)),
        })
      : pool;
  try {
    const completed = completeManifest(found.manifest, session);
    const { maxBatch } = completed;
    // headFor validates the outputs against the family
    const head = DETECTION_TASKS.has(completed.manifest.task)
      ? headFor(completed.manifest, session.outputs)
      : undefined;
    const manifest = withFamilyInputDefaults(completed.manifest, head);
    const runtime: ModelRuntime = {
      manifest,
      session,
      head,
      inputName: session.inputs[0].name,
      inputWidth: manifest.input.width,
      inputHeight: manifest.input.height,
      maxBatch,
      inputPool: [],
    };
    if (options.warmUp !== false) {
      const batch = Number.isFinite(maxBatch) ? maxBatch : 1;
      const feeds = {
        [runtime.inputName]: {
          data: new Float32Array(batch * 3 * runtime.inputHeight * runtime.inputWidth),
          dims: [batch, 3, runtime.inputHeight, runtime.inputWidth],
        },
      };
      // every session of the pool, so no first request pays for one
      await Promise.all(sessions.map((s) => s.run(feeds)));
    }
    return new Model(found.id, runtime, {
      id: found.id,
      task: manifest.task,
      family: manifest.family,
      inputWidth: runtime.inputWidth,
      inputHeight: runtime.inputHeight,
      batchSize: Number.isFinite(maxBatch) ? maxBatch : 'dynamic',
      classes: manifest.classes,
      providers: [...session.providers],
      mode: session === pool ? 'sessions' : 'batching',
      weightsPath: found.weightsPath,
      source: found.source ?? 'local',
    });
  } catch (e) {
    await session.dispose();
    throw e;
  }
}
