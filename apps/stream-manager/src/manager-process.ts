import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ManagerProcessOptions {
  /** Port of the manager's HTTP API (default 0: any free port; read `url`). */
  port?: number;
  host?: string;
  /** Environment of the manager (its settings: STREAM_MANAGER_STATE_DIR, STREAM_MANAGER_MAX_RAM_MB, ...). */
  env?: NodeJS.ProcessEnv;
  /** First restart delay after a crash; doubles up to 30 s (default 1000 ms). */
  restartBackoffMs?: number;
  /** Bound on the first start (default 30 000 ms). */
  startTimeoutMs?: number;
}

function binEntry(): { file: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) {
    return {
      file: self.replace(/manager-process\.ts$/, 'bin.ts'),
      execArgv: ['--conditions=source', '--import', import.meta.resolve('tsx')],
    };
  }
  return { file: self.replace(/manager-process\.js$/, 'bin.js'), execArgv: [] };
}

/**
 * The stream manager as a supervised child process of another (the HTTP server):
 * a crash of either side stays on its side. The manager exits when its parent goes
 * (IPC disconnect), taking its pipelines with it (they come back from the desired
 * state on the next start); a crashed manager is restarted with back-off, without limit,
 * and `url` is undefined while it is down.
 */
export class ManagerProcess {
  readonly #options: ManagerProcessOptions;
  #child: ChildProcess | undefined;
  #url: string | undefined;
  #closed = false;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Times the manager was restarted after a crash. */
  restarts = 0;

  private constructor(options: ManagerProcessOptions) {
    this.#options = options;
  }

  /** Starts the manager and resolves once its HTTP API listens. */
  static async start(options: ManagerProcessOptions = {}): Promise<ManagerProcess> {
    const m = new ManagerProcess(options);
    await m.#spawn(options.startTimeoutMs ?? 30_000);
    return m;
  }

  /** The manager's base URL, or undefined while it is (re)starting. */
  get url(): string | undefined {
    return this.#url;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  #spawn(timeoutMs: number): Promise<void> {
    const { file, execArgv } = binEntry();
    const child = fork(file, [], {
      execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: {
        ...process.env,
        ...this.#options.env,
        STREAM_MANAGER_PORT: String(this.#options.port ?? 0),
        STREAM_MANAGER_HOST: this.#options.host ?? '127.0.0.1',
      },
    });
    this.#child = child;
    const listening = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the stream manager did not start within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.on('message', (m: { type?: string; url?: string }) => {
        if (m?.type !== 'listening' || !m.url) return;
        clearTimeout(timer);
        this.#url = m.url;
        this.#failures = 0;
        resolve();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the stream manager exited (${signal ?? code}) while starting`));
      });
    });
    child.once('exit', () => {
      if (this.#child !== child) return;
      this.#url = undefined;
      if (this.#closed) return;
      const delay = Math.min(30_000, (this.#options.restartBackoffMs ?? 1000) * 2 ** this.#failures++);
      this.#timer = setTimeout(() => {
        this.restarts++;
        this.#spawn(this.#options.startTimeoutMs ?? 30_000).catch(() => undefined);
      }, delay);
    });
    return listening;
  }

  /** Stops the manager (SIGTERM: its pipelines stop, the desired state stays) and waits for it. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(kill);
  }
}
