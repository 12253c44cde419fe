import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deserializeError, StreamManagerError } from './errors.js';
import type { SerialisedResult } from './pipeline-host.js';
import type { StatusValue, WorkerMessage, WorkerRequest } from './protocol.js';

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

/**
 * Node flags of pipeline processes. V8 sets a small heap's old-generation limit a few MB
 * above what survives, so a pipeline process (about 10 MB live, promoting a little of every
 * frame's garbage) ran a full mark-compact every 25-30 frames; an initial old space of
 * 64 MB leaves the steady state to cheap young-generation collections.
 */
export const PIPELINE_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=64'];

/** The worker entry beside this module: compiled JS, or the TS source under tsx (tests run from src). */
function workerEntry(): { file: string; execArgv: string[]; env: NodeJS.ProcessEnv } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) {
    // from sources (tests): tsx compiles, and workspace packages resolve to their sources too
    const tsx = import.meta.resolve('tsx');
    // tsx's name helpers break ONNX Runtime worker-thread sessions (sent as source text): run sessions in-thread there
    return {
      file: self.replace(/worker-process\.ts$/, 'worker.ts'),
      execArgv: [...PIPELINE_NODE_FLAGS, '--conditions=source', '--import', tsx],
      env: { STREAM_PIPELINE_SESSION_THREAD: '0' },
    };
  }
  return {
    file: self.replace(/worker-process\.js$/, 'worker.js'),
    execArgv: [...PIPELINE_NODE_FLAGS],
    env: {},
  };
}

const PAGE = 4096;

/**
 * glibc malloc settings for pipeline processes (the environment may override them): every
 * frame allocates and frees megabyte buffers (decoded frames, model outputs); above glibc's
 * default mmap threshold each one is a fresh mmap, so every frame pays page faults and
 * munmaps in kernel time. Serving them from the heap, and not trimming it, keeps that
 * memory mapped. Ignored by other C libraries.
 */
const MALLOC_DEFAULTS: NodeJS.ProcessEnv = {
  MALLOC_MMAP_THRESHOLD_: String(8 * 1024 * 1024),
  MALLOC_TRIM_THRESHOLD_: String(64 * 1024 * 1024),
};

/** Resident memory of a process and its direct children (ffmpeg), in bytes; 0 when gone. */
export function processTreeRss(pid: number): number {
  const rss = (p: number) => {
    try {
      return Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]) * PAGE;
    } catch {
      return 0;
    }
  };
  let total = rss(pid);
  try {
    for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean))
      total += rss(Number(c));
  } catch {
    // not Linux, or gone
  }
  return total;
}

export interface WorkerProcessOptions {
  env?: NodeJS.ProcessEnv;
}

/**
 * One pipeline process seen from the manager: forked detached (it leads its own
 * process group, so killing the group also reaps its ffmpeg decoders), with typed
 * request/reply over IPC, each reply matched by id and bounded by a timeout.
 */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly startedAt = Date.now();
  #next = 1;
  #pending = new Map<number, Pending>();
  #onEnded: ((state: string) => void) | undefined;
  #onResult: ((r: SerialisedResult) => void) | undefined;
  #onStatus: ((s: StatusValue) => void) | undefined;
  #alive = true;

  constructor(options: WorkerProcessOptions = {}) {
    const { file, execArgv, env } = workerEntry();
    this.child = fork(file, [], {
      detached: true,
      serialization: 'advanced',
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...MALLOC_DEFAULTS, ...process.env, ...env, ...options.env },
    });
    // failures show as 'exit' (and send callbacks); an 'error' without a listener would crash the manager
    this.child.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.#alive = false;
        for (const p of this.#pending.values()) {
          clearTimeout(p.timer);
          p.reject(
            new StreamManagerError(
              'STREAM_ERR_WORKER_EXITED',
              `The pipeline process exited (${signal ?? code}).`,
            ),
          );
        }
        this.#pending.clear();
        resolve({ code, signal });
      });
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.exited.then(() =>
        reject(
          new StreamManagerError('STREAM_ERR_WORKER_EXITED', 'The pipeline process exited while starting.'),
        ),
      );
      this.child.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'ended') this.#onEnded?.(m.state);
        else if (m.type === 'result') this.#onResult?.(m.result);
        else if (m.type === 'status') this.#onStatus?.(m.value);
        else if (m.type === 'reply') {
          const p = this.#pending.get(m.id);
          if (!p) return;
          this.#pending.delete(m.id);
          clearTimeout(p.timer);
          if (m.ok) p.resolve(m.value);
          else p.reject(deserializeError(m.error));
        }
      });
    });
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.#alive;
  }

  onEnded(fn: (state: string) => void): void {
    this.#onEnded = fn;
  }

  /** Results pushed by the process as they are made. */
  onResult(fn: (r: SerialisedResult) => void): void {
    this.#onResult = fn;
  }

  /** Reports pushed by the process about once a second. */
  onStatus(fn: (s: StatusValue) => void): void {
    this.#onStatus = fn;
  }

  /** Sends a command and waits for its reply (at most `timeoutMs`). */
  async request<T>(message: Request, timeoutMs: number): Promise<T> {
    await this.ready;
    if (!this.#alive || !this.child.connected)
      throw new StreamManagerError('STREAM_ERR_WORKER_EXITED', 'The pipeline process is not running.');
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new StreamManagerError(
            'STREAM_ERR_WORKER_TIMEOUT',
            `The pipeline process did not answer "${message.type}" within ${timeoutMs} ms.`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.child.send({ ...message, id } as WorkerRequest, (e) => {
        if (!e) return;
        const p = this.#pending.get(id);
        if (!p) return;
        this.#pending.delete(id);
        clearTimeout(timer);
        reject(
          new StreamManagerError(
            'STREAM_ERR_WORKER_EXITED',
            `The pipeline process cannot be reached: ${e.message}`,
          ),
        );
      });
    });
  }

  /** SIGKILL the process group (the worker and its ffmpeg children). */
  kill(): void {
    if (!this.#alive || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  /**
   * Asks for a clean stop, and kills the group if it has not exited by `boundMs`.
   * Resolves once the process is gone.
   */
  async stop(boundMs: number): Promise<void> {
    if (!this.#alive) return;
    const timer = setTimeout(() => this.kill(), boundMs);
    this.request({ type: 'terminate' }, boundMs).catch(() => this.kill());
    await this.exited;
    clearTimeout(timer);
    this.kill(); // leftovers of the group (a decoder that ignored the worker's own kill)
  }

  rssBytes(): number {
    return this.#alive && this.child.pid ? processTreeRss(this.child.pid) : 0;
  }
}
