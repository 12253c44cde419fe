import { InferenceError } from '../errors.js';
import type { ExecutionProvider, InferenceSession, TensorData, TensorInfo } from './types.js';

/**
 * Several sessions of one model behind the single-session interface. Each
 * session runs one inference at a time; callers beyond the number of sessions
 * wait in FIFO order for the first free one.
 *
 * An optional latency session (typically all cores' threads) serves a caller
 * only when nothing else runs: alone, a request gets every thread (lowest
 * latency); under load, the throughput sessions (few threads each, in worker
 * threads) run side by side, which gets more images through the same cores.
 *
 * @example
 * const pool = new SessionPool([await OnnxSession.create(p, { intraOpThreads: 1 }), await OnnxSession.create(p, { intraOpThreads: 1 })]);
 * await Promise.all(images.map((x) => pool.run({ images: x }))); // two at a time
 */
export class SessionPool implements InferenceSession {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly providers: readonly ExecutionProvider[];
  readonly #sessions: InferenceSession[];
  readonly #idle: InferenceSession[];
  readonly #latency: InferenceSession | undefined;
  #latencyBusy = false;
  readonly #waiting: { resolve: (s: InferenceSession) => void; reject: (e: Error) => void }[] = [];
  #disposed = false;
  #idleWaiters: (() => void)[] = [];
  readonly #makers = new WeakMap<ArrayBufferLike, InferenceSession>();

  constructor(sessions: InferenceSession[], latency?: InferenceSession) {
    if (sessions.length === 0)
      throw new InferenceError('CORE_ERR_INVALID_PARAMETER', 'a session pool needs at least one session');
    this.#sessions = sessions;
    this.#idle = [...sessions];
    this.#latency = latency;
    this.inputs = sessions[0].inputs;
    this.outputs = sessions[0].outputs;
    this.providers = sessions[0].providers;
  }

  /** Number of throughput sessions (the latency session, if any, not counted). */
  get size(): number {
    return this.#sessions.length;
  }

  /** Inferences running now. */
  get busy(): number {
    return this.#sessions.length - this.#idle.length + (this.#latencyBusy ? 1 : 0);
  }

  /** Callers waiting for a session. */
  get queued(): number {
    return this.#waiting.length;
  }

  async run(
    feeds: Record<string, TensorData>,
    outputNames?: readonly string[],
  ): Promise<Record<string, TensorData>> {
    if (this.#latency && this.busy === 0 && this.#waiting.length === 0 && !this.#disposed) {
      this.#latencyBusy = true;
      try {
        return this.#remember(this.#latency, await this.#latency.run(feeds, outputNames));
      } finally {
        this.#latencyBusy = false;
        this.#notifyIdle();
      }
    }
    const session = await this.#acquire();
    try {
      return this.#remember(session, await session.run(feeds, outputNames));
    } finally {
      this.#release(session);
    }
  }

  /** Which session made each output buffer, so `release` hands it back to that one. */
  #remember(session: InferenceSession, outputs: Record<string, TensorData>): Record<string, TensorData> {
    if (session.release) for (const t of Object.values(outputs)) this.#makers.set(t.data.buffer, session);
    return outputs;
  }

  /**
   * Lent when every session, the latency one included, lends (worker sessions share their
   * buffers); an in-thread session would keep a lent buffer, so a pool with one lends nothing.
   */
  lendInput(bytes: number): ArrayBuffer | undefined {
    const all = this.#latency ? [...this.#sessions, this.#latency] : this.#sessions;
    if (this.#disposed || !all.every((s) => s.lendInput)) return undefined;
    return this.#sessions[0].lendInput!(bytes);
  }

  release(outputs: Record<string, TensorData>): void {
    const first = Object.values(outputs)[0];
    const maker = first && this.#makers.get(first.data.buffer);
    maker?.release?.(outputs);
  }

  #notifyIdle(): void {
    if (this.busy === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  #acquire(): Promise<InferenceSession> {
    if (this.#disposed)
      return Promise.reject(new InferenceError('CORE_ERR_DISPOSED', 'session pool was disposed'));
    const s = this.#idle.pop();
    if (s) return Promise.resolve(s);
    return new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  #release(s: InferenceSession): void {
    const next = this.#waiting.shift();
    if (next) next.resolve(s);
    else this.#idle.push(s);
    this.#notifyIdle();
  }

  /**
   * Dispose every session once the inferences already running have finished;
   * callers still waiting for a session get CORE_ERR_DISPOSED.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const w of this.#waiting.splice(0)) {
      w.reject(new InferenceError('CORE_ERR_DISPOSED', 'session pool was disposed'));
    }
    if (this.busy > 0) await new Promise<void>((r) => this.#idleWaiters.push(r));
    await Promise.all([...this.#sessions, ...(this.#latency ? [this.#latency] : [])].map((s) => s.dispose()));
  }
}
