import { type ChildProcess, spawn } from 'node:child_process';

/** How a child process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Delay of the second SIGTERM in `stop()`. */
const SECOND_SIGNAL_MS = 100;

// Every live child, so that a crashing parent never leaves ffmpeg orphans behind.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A spawned child whose exit is always observed (`closed`) and that can be stopped within a bound. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Settles after the process exited and its stdio closed (reaped). Never rejects. */
  readonly closed: Promise<ExitInfo>;
  /**
   * SIGTERM, a second SIGTERM shortly after (ffmpeg aborts blocking network I/O only on
   * the second signal), then SIGKILL after `graceMs`; resolves once the process is reaped.
   */
  stop(graceMs: number): Promise<ExitInfo>;
}

/** Spawns `command` with stdout/stderr piped and no stdin, and tracks it until it is reaped. */
export function spawnManaged(command: string, args: readonly string[]): ManagedProcess {
  installExitHook();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  live.add(child);
  let exit: ExitInfo | undefined;
  const closed = new Promise<ExitInfo>((resolve) => {
    // 'error' without 'close' happens when the binary cannot be spawned at all.
    child.on('error', () => {
      if (child.pid === undefined) {
        live.delete(child);
        resolve((exit = { code: null, signal: null }));
      }
    });
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve((exit = { code, signal }));
    });
  });
  let stopping: Promise<ExitInfo> | undefined;
  return {
    child,
    pid: child.pid,
    closed,
    stop(graceMs: number): Promise<ExitInfo> {
      if (exit) return Promise.resolve(exit);
      if (stopping) return stopping;
      // A paused stdout keeps ffmpeg blocked in write() and 'close' pending: destroy our end,
      // so ffmpeg gets EPIPE and the stream closes even with unread data.
      child.stdout?.destroy();
      child.kill('SIGTERM');
      // ffmpeg counts signals: after its setup the first only ends the main loop, which a
      // read from a silent network peer never reaches; the second interrupts that read.
      const again = setTimeout(() => child.kill('SIGTERM'), Math.min(SECOND_SIGNAL_MS, graceMs / 2));
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      stopping = closed.finally(() => {
        clearTimeout(again);
        clearTimeout(timer);
      });
      return stopping;
    },
  };
}
