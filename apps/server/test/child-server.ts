/**
 * The server as a real child process (`src/main.ts` through tsx, environment
 * configuration only), for what only a process shows: signals, exit codes,
 * everything it writes to stdout and stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface ChildServer {
  child: ChildProcess;
  url: string;
  /** Everything written to stdout so far (pino lines and the banner). */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process if it is still running. */
  kill(): void;
}

/** Starts `src/main.ts` on a random loopback port with `env` added; resolves once it listens. */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions', 'source', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        child.stdout?.off('data', onData);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    exited.then(({ code, signal }) =>
      reject(new Error(`server exited before listening (${code ?? signal}):\n${out}\n${err}`)),
    );
  });
  return {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Polls `check` until it holds (state, not time); fails after `maxMs` with `what`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, maxMs = 60_000) {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > maxMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The `inference_queue_requests{state="running"}` total from `/metrics`. */
export async function runningRequests(url: string): Promise<number> {
  const text = await fetch(`${url}/metrics`).then(
    (r) => r.text(),
    () => '',
  );
  let n = 0;
  for (const m of text.matchAll(/^inference_queue_requests\{[^}]*state="running"[^}]*\} (\d+)/gm))
    n += Number(m[1]);
  return n;
}
