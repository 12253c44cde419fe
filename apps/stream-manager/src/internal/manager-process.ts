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

/** How long a server whose manager lost the race for the port looks for the winner to adopt. */
const ADOPT_AFTER_RACE_MS = 3000;

/** What the manager's `/healthz` says it is, so a server adopts only a stream manager. */
export const SERVICE = 'inference-ts-stream-manager';

function binEntry(): { file: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.ts')) {
    return {
      file: self.replace(/internal[\\/]manager-process\.ts$/, 'bin.ts'),
      execArgv: ['--conditions=source', '--import', import.meta.resolve('tsx')],
    };
  }
  return { file: self.replace(/internal[\\/]manager-process\.js$/, 'bin.js'), execArgv: [] };
}

/**
 * The stream manager as a supervised process beside another one (the HTTP server), so
 * that a crash of either leaves the other running:
 * - the manager is started in its own session (detached) and does not exit when the
 *   server goes, so a crashed server leaves its pipelines running; a server started
 *   again on the same port adopts the manager it finds there (`/healthz` says it is one);
 * - a manager that exits is started again with back-off, without limit (`url` is
 *   undefined meanwhile); its pipelines come back from the desired state.
 * A graceful `close()` stops the manager (SIGTERM; its pipelines stay in the desired state).
 */
export class ManagerProcess {
  readonly #options: ManagerProcessOptions;
  #child: ChildProcess | undefined;
  /** Pid of the manager in use (spawned or adopted). */
  #pid: number | undefined;
  #url: string | undefined;
  #closed = false;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #watch: NodeJS.Timeout | undefined;
  /** Times the manager was restarted after it went away. */
  restarts = 0;
  /** True when an already running manager was adopted instead of spawned. */
  adopted = false;

  private constructor(options: ManagerProcessOptions) {
    this.#options = options;
  }

  /** Adopts the manager already listening on `port`, or starts one; resolves once its HTTP API answers. */
  static async start(options: ManagerProcessOptions = {}): Promise<ManagerProcess> {
    const m = new ManagerProcess(options);
    if (options.port && (await m.#adopt())) m.adopted = true;
    else {
      try {
        await m.#spawn(options.startTimeoutMs ?? 30_000);
      } catch (e) {
        // several servers starting at once on one manager port (SERVER_PROCESSES=N): the
        // first manager got the port, ours could not bind; use that one instead
        if (!options.port || !(await m.#adoptWithin(ADOPT_AFTER_RACE_MS))) throw e;
        clearTimeout(m.#timer); // the restart the failed start scheduled
        m.#failures = 0;
        m.adopted = true;
      }
    }
    m.#watch = setInterval(() => void m.#check(), 2000);
    m.#watch.unref();
    return m;
  }

  /** The manager's base URL, or undefined while it is (re)starting. */
  get url(): string | undefined {
    return this.#url;
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  /** The manager answering on the configured port, if it is one of ours. */
  async #probe(url: string): Promise<number | undefined> {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { service?: string; pid?: number };
      return body.service === SERVICE && typeof body.pid === 'number' ? body.pid : undefined;
    } catch {
      return undefined;
    }
  }

  async #adopt(): Promise<boolean> {
    const url = `http://${this.#options.host ?? '127.0.0.1'}:${this.#options.port}`;
    const pid = await this.#probe(url);
    if (pid === undefined) return false;
    this.#url = url;
    this.#pid = pid;
    return true;
  }

  /** Adopts a manager that answers on the configured port within `ms`. */
  async #adoptWithin(ms: number): Promise<boolean> {
    const end = Date.now() + ms;
    while (!(await this.#adopt())) {
      if (Date.now() >= end) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  }

  /** An adopted manager has no exit event: it is polled, and replaced when it stops answering. */
  async #check(): Promise<void> {
    if (this.#closed || this.#child || !this.#url) return;
    if ((await this.#probe(this.#url)) !== undefined) return;
    this.#url = undefined;
    this.#pid = undefined;
    this.restarts++;
    this.#spawn(this.#options.startTimeoutMs ?? 30_000).catch(() => this.#retry());
  }

  #retry(): void {
    if (this.#closed) return;
    const delay = Math.min(30_000, (this.#options.restartBackoffMs ?? 1000) * 2 ** this.#failures++);
    this.#timer = setTimeout(() => {
      this.restarts++;
      this.#spawn(this.#options.startTimeoutMs ?? 30_000).catch(() => this.#retry());
    }, delay);
  }

  #spawn(timeoutMs: number): Promise<void> {
    const { file, execArgv } = binEntry();
    const child = fork(file, [], {
      execArgv,
      detached: true,
      // no pipes to this process: the manager must be able to outlive it
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {
        ...process.env,
        ...this.#options.env,
        STREAM_MANAGER_PORT: String(this.#options.port ?? 0),
        STREAM_MANAGER_HOST: this.#options.host ?? '127.0.0.1',
        STREAM_MANAGER_OUTLIVE_PARENT: '1',
      },
    });
    this.#child = child;
    this.#pid = child.pid;
    child.on('error', () => undefined); // seen as 'exit'
    const listening = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the stream manager did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      child.on('message', (m: { type?: string; url?: string }) => {
        if (m?.type !== 'listening' || !m.url) return;
        clearTimeout(timer);
        this.#url = m.url;
        this.#failures = 0;
        child.disconnect(); // the handshake is over; the manager keeps running without us
        child.unref();
        resolve();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the stream manager exited (${signal ?? code}) while starting`));
      });
    });
    child.once('exit', () => {
      if (this.#child !== child) return;
      this.#child = undefined;
      this.#url = undefined;
      this.#pid = undefined;
      this.#retry();
    });
    return listening;
  }

  /** Stops the manager (SIGTERM: its pipelines stop, the desired state stays) and waits for it to go. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#watch);
    const pid = this.#pid;
    if (pid === undefined) return;
    const gone = () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    };
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const end = Date.now() + 5000;
    while (!gone() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    if (!gone()) process.kill(pid, 'SIGKILL');
  }
}
