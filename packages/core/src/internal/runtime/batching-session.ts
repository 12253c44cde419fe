import { InferenceError } from '../errors.js';
import type { ExecutionProvider, InferenceSession, TensorData, TensorInfo } from './types.js';

export interface BatchingOptions {
  /** Most rows (images) in one session call. */
  maxBatch: number;
  /** Session calls allowed at once (the wrapped pool's size). */
  capacity: number;
  /**
   * How long a partial batch may wait for more requests when a session is
   * free (default 0: dispatch at once; batches then form only while every
   * session is busy, which adds no latency to a lone request).
   */
  windowMs?: number;
  /** Called with the rows of every session call (for a batch-size histogram). */
  onBatch?: (rows: number) => void;
}

interface Pending {
  feeds: Record<string, TensorData>;
  rows: number;
  /** Same key, same batch: input names, per-row shapes and asked outputs. */
  key: string;
  since: number;
  resolve: (out: Record<string, TensorData>) => void;
  reject: (e: unknown) => void;
}

/** True when every input and output has a symbolic first dimension, so calls can be stacked on it. */
export function hasDynamicBatch(s: Pick<InferenceSession, 'inputs' | 'outputs'>): boolean {
  const symbolic = (t: TensorInfo) =>
    t.shape.length > 0 && (typeof t.shape[0] === 'string' || t.shape[0] === -1);
  return s.inputs.length > 0 && s.inputs.every(symbolic) && s.outputs.every(symbolic);
}

/**
 * Dynamic batching in front of a session (pool): concurrent `run` calls of
 * the same shape are stacked on the batch axis into one session call, up to
 * `maxBatch` rows, and each caller gets its own rows of the outputs back.
 * Calls are dispatched as soon as one of `capacity` session calls is free;
 * while all are busy, arrivals accumulate into the next batch (Triton's
 * dynamic batcher with a queue delay of `windowMs`).
 *
 * @example
 * const s = new BatchingSession(pool, { maxBatch: 8, capacity: pool.size });
 * const [a, b] = await Promise.all([s.run(feedsA), s.run(feedsB)]); // one or two session calls
 */
export class BatchingSession implements InferenceSession {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly providers: readonly ExecutionProvider[];
  readonly #inner: InferenceSession;
  readonly #o: Required<Omit<BatchingOptions, 'onBatch'>> & Pick<BatchingOptions, 'onBatch'>;
  readonly #queue: Pending[] = [];
  #running = 0;
  #timer: NodeJS.Timeout | undefined;
  #disposed = false;

  constructor(inner: InferenceSession, o: BatchingOptions) {
    if (!hasDynamicBatch(inner))
      throw new InferenceError('CORE_ERR_INVALID_PARAMETER', 'dynamic batching needs a symbolic batch axis');
    this.#inner = inner;
    this.#o = {
      maxBatch: Math.max(1, Math.floor(o.maxBatch)),
      capacity: Math.max(1, Math.floor(o.capacity)),
      windowMs: Math.max(0, o.windowMs ?? 0),
      onBatch: o.onBatch,
    };
    this.inputs = inner.inputs;
    this.outputs = inner.outputs;
    this.providers = inner.providers;
  }

  /** Calls waiting for the next batch. */
  get queued(): number {
    return this.#queue.length;
  }

  run(
    feeds: Record<string, TensorData>,
    outputNames?: readonly string[],
  ): Promise<Record<string, TensorData>> {
    if (this.#disposed)
      return Promise.reject(new InferenceError('CORE_ERR_DISPOSED', 'session was disposed'));
    const names = Object.keys(feeds).sort();
    const rows = feeds[names[0]]?.dims[0] ?? 0;
    // a call that names outputs, or whose inputs disagree on rows, runs on its own
    if (outputNames || rows < 1 || names.some((n) => feeds[n].dims[0] !== rows)) {
      return this.#inner.run(feeds, outputNames);
    }
    const key = names
      .map((n) => `${n}:${feeds[n].dims.slice(1).join('x')}:${feeds[n].data.constructor.name}`)
      .join(';');
    return new Promise((resolve, reject) => {
      this.#queue.push({ feeds, rows, key, since: performance.now(), resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#running < this.#o.capacity && this.#queue.length > 0) {
      const batch = this.#take();
      if (!batch) return;
      this.#running++;
      void this.#dispatch(batch).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }

  /** The next batch: the oldest call plus later ones of the same shape, up to maxBatch rows; undefined while its window is open. */
  #take(): Pending[] | undefined {
    const first = this.#queue[0];
    const same = this.#queue.filter((p) => p.key === first.key);
    const rows = same.reduce((n, p) => n + p.rows, 0);
    const wait = this.#o.windowMs - (performance.now() - first.since);
    if (rows < this.#o.maxBatch && wait > 0) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        this.#pump();
      }, wait);
      return undefined;
    }
    const batch: Pending[] = [];
    let taken = 0;
    for (const p of same) {
      if (batch.length > 0 && taken + p.rows > this.#o.maxBatch) break;
      batch.push(p);
      taken += p.rows;
    }
    for (const p of batch) this.#queue.splice(this.#queue.indexOf(p), 1);
    return batch;
  }

  async #dispatch(batch: Pending[]): Promise<void> {
    const total = batch.reduce((n, p) => n + p.rows, 0);
    this.#o.onBatch?.(total);
    try {
      const out = await this.#inner.run(
        batch.length === 1
          ? batch[0].feeds
          : stack(
              batch.map((p) => p.feeds),
              total,
            ),
      );
      if (batch.length === 1) {
        batch[0].resolve(out);
        return;
      }
      let offset = 0;
      const parts = batch.map((p) => {
        const part = rowsOf(out, offset, p.rows, total);
        offset += p.rows;
        return part;
      });
      for (let i = 0; i < batch.length; i++) batch[i].resolve(parts[i]);
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }

  /** Outputs that are whole buffers go back to the inner session; a row sliced out of a shared batch stays. */
  release(outputs: Record<string, TensorData>): void {
    this.#inner.release?.(outputs);
  }

  /** Callers still waiting get CORE_ERR_DISPOSED; running batches finish; then the inner session is disposed. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#timer);
    for (const p of this.#queue.splice(0))
      p.reject(new InferenceError('CORE_ERR_DISPOSED', 'session was disposed'));
    await this.#inner.dispose();
  }
}

type Typed = TensorData['data'];

/** Concatenate each input along the first axis. */
function stack(feeds: Record<string, TensorData>[], total: number): Record<string, TensorData> {
  const out: Record<string, TensorData> = {};
  for (const name of Object.keys(feeds[0])) {
    const first = feeds[0][name];
    const per = first.data.length / first.dims[0];
    const data = new (first.data.constructor as new (n: number) => Typed)(per * total);
    let at = 0;
    for (const f of feeds) {
      (data as Float32Array).set(f[name].data as Float32Array, at);
      at += f[name].data.length;
    }
    out[name] = { data, dims: [total, ...first.dims.slice(1)] };
  }
  return out;
}

/** Rows [offset, offset + rows) of every output (views, no copy). */
function rowsOf(
  out: Record<string, TensorData>,
  offset: number,
  rows: number,
  total: number,
): Record<string, TensorData> {
  const part: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(out)) {
    if (t.dims[0] !== total)
      throw new InferenceError(
        'CORE_ERR_INVALID_PARAMETER',
        `output ${name} has ${t.dims[0]} rows for a batch of ${total}`,
      );
    const per = t.data.length / total;
    part[name] = {
      data: t.data.subarray(offset * per, (offset + rows) * per) as Typed,
      dims: [rows, ...t.dims.slice(1)],
    };
  }
  return part;
}
