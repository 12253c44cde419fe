import { InferenceError } from '@inference-ts/core';
import { ServerError, type ServerErrorCode } from '../errors.js';
import type { ImageSource } from '../inference/images.js';

/**
 * The wire between the HTTP front and the workers, all in Redis:
 *
 * - `inf:jobs:<model key>`: one stream per model (workers started with
 *   `--models`), `inf:jobs:*any*` for workers that serve every model. Consumer
 *   group `workers`. A job entry: `id`, `reply` (the front's reply stream),
 *   `deadline` (epoch ms), `model`, `meta` (JSON: options, sources without
 *   their bytes) and one `img` field per image holding its encoded bytes
 *   (the bytes travel once; decode happens on the worker).
 * - `inf:reply:<front id>`: one stream per front; a reply entry: `id` and
 *   `body` (JSON of `Reply`). Written only by the `answer` script, which
 *   first sets `inf:done:<job id>`, so a job is answered once however many
 *   workers ran it.
 * - `inf:workers` (sorted set, score = last heartbeat, ms) and
 *   `inf:worker-info` (hash, JSON of `WorkerInfo`): live workers and the
 *   models they hold.
 */
export const GROUP = 'workers';
export const ANY_MODEL = '*any*';
export const WORKERS_KEY = 'inf:workers';
export const WORKER_INFO_KEY = 'inf:worker-info';
export const jobStream = (modelKey: string) => `inf:jobs:${modelKey}`;
export const replyStream = (frontId: string) => `inf:reply:${frontId}`;
export const doneKey = (jobId: string) => `inf:done:${jobId}`;

/** A worker counts as live while its heartbeat is younger than this. */
export const WORKER_TTL_MS = 5000;

/** What a worker publishes with every heartbeat. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  /** Model keys it serves, or [ANY_MODEL]. */
  models: string[];
  startedAt: number;
  /** Jobs answered by this worker. */
  jobs: number;
  /** Jobs dropped because their deadline had passed. */
  expired: number;
  /** Jobs taken over from a dead (or stalled) worker. */
  reclaimed: number;
  /** Stream reads that returned jobs, and the jobs they returned (mean batch = jobs read / reads). */
  reads: number;
  jobsRead: number;
  inFlight: number;
  /** Last heartbeat, epoch ms (the sorted-set score; filled in by the reader). */
  seenAt?: number;
}

/** The job's request-level part (everything but the image bytes). */
export interface JobMeta {
  apiKey?: string;
  options: Record<string, unknown>;
  visualize?: Record<string, unknown>;
  /** Each source; `bytes` sources keep their place in the `img` fields (by order). */
  sources: ({ kind: 'bytes' } | { kind: 'url' | 'file'; value: string })[];
}

/** An error as it crosses the wire: the front rebuilds the same typed error, so it maps to the same answer. */
export interface WireError {
  kind: 'core' | 'server' | 'other';
  code: string;
  message: string;
  retryAfter?: number;
}

export type Reply = { ok: true; results: object[] } | { ok: false; error: WireError };

/** The bytes of each base64/bytes source; url and file sources travel as descriptors. */
export function splitSources(sources: readonly ImageSource[]): {
  meta: JobMeta['sources'];
  images: Buffer[];
} {
  const meta: JobMeta['sources'] = [];
  const images: Buffer[] = [];
  for (const s of sources) {
    if (s.kind === 'url' || s.kind === 'file') meta.push({ kind: s.kind, value: s.value });
    else {
      meta.push({ kind: 'bytes' });
      images.push(s.kind === 'bytes' ? s.value : Buffer.from(stripDataUrl(s.value), 'base64'));
    }
  }
  return { meta, images };
}

/** Base64 text may carry a `data:image/...;base64,` prefix (Roboflow accepts it). */
function stripDataUrl(v: string): string {
  const comma = v.startsWith('data:') ? v.indexOf(',') : -1;
  return comma >= 0 ? v.slice(comma + 1) : v;
}

export function joinSources(meta: JobMeta['sources'], images: Buffer[]): ImageSource[] {
  let i = 0;
  return meta.map((m) => (m.kind === 'bytes' ? { kind: 'bytes', value: images[i++] } : m));
}

export function toWireError(e: unknown): WireError {
  const err = e as { code?: unknown; message?: unknown; retryAfter?: unknown };
  const kind = e instanceof InferenceError ? 'core' : e instanceof ServerError ? 'server' : 'other';
  return {
    kind,
    code: typeof err.code === 'string' ? err.code : 'INTERNAL',
    message: typeof err.message === 'string' ? err.message : String(e),
    ...(typeof err.retryAfter === 'number' ? { retryAfter: err.retryAfter } : {}),
  };
}

export function fromWireError(w: WireError): Error {
  if (w.kind === 'core') return new InferenceError(w.code as never, w.message);
  if (w.kind === 'server')
    return new ServerError(
      w.code as ServerErrorCode,
      w.message,
      w.retryAfter === undefined ? undefined : { retryAfter: w.retryAfter },
    );
  return new Error(w.message);
}

/**
 * An XREAD/XREADGROUP reply as [stream, entries] pairs: ioredis hands it over
 * either nested ([[stream, entries], ...]) or flat as a map ([stream, entries, ...]).
 */
export function streamsOf(res: unknown): [Buffer, [Buffer, Buffer[]][]][] {
  if (!Array.isArray(res) || res.length === 0) return [];
  if (Array.isArray(res[0])) return res as [Buffer, [Buffer, Buffer[]][]][];
  const out: [Buffer, [Buffer, Buffer[]][]][] = [];
  for (let i = 0; i + 1 < res.length; i += 2)
    out.push([res[i] as Buffer, res[i + 1] as [Buffer, Buffer[]][]]);
  return out;
}

/** Stream entry fields (a flat [name, value, ...] list, as Buffers) -> name -> values. */
export function fieldsOf(flat: Buffer[]): Map<string, Buffer[]> {
  const m = new Map<string, Buffer[]>();
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const k = flat[i].toString();
    const list = m.get(k);
    if (list) list.push(flat[i + 1]);
    else m.set(k, [flat[i + 1]]);
  }
  return m;
}

/**
 * Answers a job once: sets the done key (NX); only when it was not set, adds
 * the reply; in every case acknowledges and deletes the job entry.
 * KEYS: done key, reply stream, job stream. ARGV: done TTL ms, job id, reply body, group, entry id.
 */
export const ANSWER_SCRIPT = `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', '10000', '*', 'id', ARGV[2], 'body', ARGV[3])
end
redis.call('XACK', KEYS[3], ARGV[4], ARGV[5])
redis.call('XDEL', KEYS[3], ARGV[5])
return 1`;
