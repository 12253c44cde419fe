/**
 * Entry of a pipeline process (forked by the manager, in its own process group).
 * It exits, killing its group (its ffmpeg decoders included), as soon as the
 * manager goes: on IPC disconnect, or when its parent pid changes (polled), so a
 * SIGKILLed manager leaves no orphan.
 */
import { getPriority, setPriority } from 'node:os';
import { serializeError } from './errors.js';
import { PipelineHost } from './pipeline-host.js';
import type { WorkerMessage, WorkerRequest } from './protocol.js';

const parentPid = process.ppid;

// pipelines yield the CPU to the manager (STREAM_PIPELINE_NICE, default 5): management requests stay quick
// when the pipelines saturate the cores; the decoders started from here inherit it
try {
  setPriority(Math.min(19, getPriority() + (Number(process.env.STREAM_PIPELINE_NICE ?? 5) || 0)));
} catch {
  // not permitted here: run at the manager's priority
}

function send(message: WorkerMessage): void {
  // a failed send means the manager is gone: go too, with the group (never an unhandled EPIPE)
  if (process.connected) process.send?.(message, undefined, {}, (e) => e && dieWithGroup());
}

/** Kill our whole process group (we lead it: forked detached), ffmpeg children first-class included. */
function dieWithGroup(code = 0): never {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // not a group leader (started by hand): at least go ourselves
  }
  process.exit(code);
}

process.on('disconnect', () => dieWithGroup());
setInterval(() => {
  if (process.ppid !== parentPid) dieWithGroup();
}, 200).unref();
process.on('SIGINT', () => undefined); // the manager decides when we stop, as Roboflow's workers ignore SIGINT
process.on('SIGTERM', () => {
  void host.terminate().finally(() => dieWithGroup());
});

const host = new PipelineHost({
  threads: Number(process.env.STREAM_PIPELINE_THREADS ?? 1) || 1,
  sessionThread: process.env.STREAM_PIPELINE_SESSION_THREAD !== '0',
  env: process.env,
  ...(process.env.MODEL_CACHE_DIR ? { cacheDir: process.env.MODEL_CACHE_DIR } : {}),
  ...(process.env.API_BASE_URL
    ? { apiBaseUrl: process.env.API_BASE_URL, allowHttp: process.env.API_BASE_URL.startsWith('http:') }
    : {}),
  onEnded: (state) => send({ type: 'ended', state }),
  onResult: (result) => send({ type: 'result', result }),
});

// the report, pushed once a second: the manager answers status without waiting on this busy process
setInterval(() => {
  if (host.started) send({ type: 'status', value: host.status() });
}, 1000).unref();

async function handle(m: WorkerRequest): Promise<unknown> {
  switch (m.type) {
    case 'init':
      await host.init(m.spec, m.workflow);
      return {};
    case 'mute':
      host.mute();
      return {};
    case 'resume':
      host.resume();
      return {};
    case 'status':
      return host.status();
    case 'consume':
      return host.consume(m.excludedFields);
    case 'preview':
      return host.preview(m.sourceId);
    case 'terminate':
      await host.terminate();
      return {};
  }
}

process.on('message', (m: WorkerRequest) => {
  handle(m).then(
    (value) => {
      send({ type: 'reply', id: m.id, ok: true, value });
      if (m.type === 'terminate') setImmediate(() => dieWithGroup());
    },
    (e: unknown) => send({ type: 'reply', id: m.id, ok: false, error: serializeError(e) }),
  );
});

send({ type: 'ready' });
