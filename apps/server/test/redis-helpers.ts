/**
 * Real processes for the scale-out tests: a redis-server on a random
 * loopback port (optionally with an append-only file, so a restart keeps the
 * streams), and workers as child processes (`src/worker-main.ts` through tsx),
 * which a test can SIGKILL or SIGSTOP.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A free loopback port (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Spawns `cmd args` and resolves once `pattern` appears on stdout or stderr (rejects if it exits first). */
function startUntil(
  cmd: string,
  args: string[],
  pattern: RegExp,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv },
) {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`${cmd} exited (${code ?? signal}) before ready:\n${out}`)),
    );
  });
  return { child, ready, output: () => out };
}

const exited = (c: ChildProcess) =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => c.once('exit', () => r()));

export interface TestRedis {
  url: string;
  port: number;
  /** Stops it (SIGTERM: the append-only file is complete) and waits for the exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
}

/** A redis-server on a random loopback port; `persist` keeps an fsync-always append-only file in a temp dir. */
export async function startRedis(persist = false): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir];
  args.push(...(persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
  let proc: ChildProcess | undefined;
  const up = async () => {
    const r = startUntil('redis-server', args, /Ready to accept connections/, {});
    proc = r.child;
    await r.ready;
  };
  await up();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (!proc) return;
      const p = proc;
      proc = undefined;
      p.kill('SIGTERM');
      await exited(p);
    },
    restart: up,
  };
}

export interface TestWorker {
  child: ChildProcess;
  output(): string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), then wait for the exit. */
  stop(): Promise<void>;
}

/** A worker process serving `models` (empty: any model), configured like a server by `env`. */
export async function startWorker(
  redisUrl: string,
  models: string[],
  env: Record<string, string>,
): Promise<TestWorker> {
  const w = startUntil(
    process.execPath,
    ['--import', 'tsx', '--conditions', 'source', 'src/worker-main.ts'],
    /worker \S+ ready/,
    {
      cwd: SERVER_DIR,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        REDIS_URL: redisUrl,
        WORKER_MODELS: models.join(','),
        ...env,
      },
    },
  );
  await w.ready;
  return {
    child: w.child,
    output: w.output,
    kill: async () => {
      w.child.kill('SIGKILL');
      await exited(w.child);
    },
    stop: async () => {
      w.child.kill('SIGTERM');
      await exited(w.child);
    },
  };
}

/** Polls `check` every 50 ms until it returns true (throws after `ms`). */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
