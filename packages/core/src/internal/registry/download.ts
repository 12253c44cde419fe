import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelError } from '../errors.js';
import { withFileLock } from './lock.js';

/** The subset of `fetch` the registry uses; inject one to add proxies or for tests. */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface DownloadOptions {
  /** Expected sha256 (hex). A mismatch throws CORE_ERR_MODEL_HASH_MISMATCH and leaves no file. */
  sha256?: string;
  /** Refuse bodies larger than this (default 2 GiB). */
  maxBytes?: number;
  /** Give up when no byte arrives for this long, headers included (default 60 s). */
  timeoutMs?: number;
  /** Accept plain `http:` URLs (default false: https only). */
  allowHttp?: boolean;
  fetch?: FetchLike;
  headers?: Record<string, string>;
  /** Take a `<dest>.lock` file so other processes wait instead of downloading too (default true). */
  lock?: boolean;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  sha256: string;
}

/** Default byte limit of one download. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 2 * 1024 ** 3;
/** Default inactivity timeout of one download. */
export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 60_000;

const inFlight = new Map<string, Promise<DownloadResult>>();

/** Hides query strings (signed URLs, api keys) in messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.search ? `${u.origin}${u.pathname}?…` : `${u.origin}${u.pathname}`;
  } catch {
    return '<invalid url>';
  }
}

function checkScheme(url: string, allowHttp: boolean): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch (cause) {
    throw new ModelError('CORE_ERR_MODEL_DOWNLOAD', `invalid download URL`, { cause });
  }
  if (protocol === 'https:' || (protocol === 'http:' && allowHttp)) return;
  throw new ModelError(
    'CORE_ERR_MODEL_DOWNLOAD',
    protocol === 'http:'
      ? `refusing plain http download from ${redactUrl(url)} (enable allowHttp to permit it)`
      : `unsupported download scheme ${protocol}`,
  );
}

async function fetchToFile(url: string, dest: string, o: DownloadOptions): Promise<DownloadResult> {
  const allowHttp = o.allowHttp ?? false;
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const timeoutMs = o.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const fetchFn = o.fetch ?? ((u: string, init?: RequestInit) => fetch(u, init));
  checkScheme(url, allowHttp);
  const shown = redactUrl(url);

  const ctrl = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, timeoutMs);
  };
  const tmp = join(dirname(dest), `.${basename(dest)}.${randomBytes(4).toString('hex')}.part`);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    arm();
    const res = await fetchFn(url, { signal: ctrl.signal, headers: o.headers, redirect: 'follow' });
    // A redirect must not downgrade https to http behind our back.
    if (res.url) checkScheme(res.url, allowHttp);
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => undefined);
      throw new ModelError('CORE_ERR_MODEL_DOWNLOAD', `download of ${shown} failed: HTTP ${res.status}`, {
        details: { status: res.status },
      });
    }
    const declared = Number(res.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await res.body.cancel().catch(() => undefined);
      throw new ModelError(
        'CORE_ERR_MODEL_DOWNLOAD',
        `download of ${shown} is ${declared} bytes, over the ${maxBytes}-byte limit`,
        {
          details: { limit: maxBytes },
        },
      );
    }
    await mkdir(dirname(dest), { recursive: true });
    fh = await open(tmp, 'w');
    const hash = createHash('sha256');
    let bytes = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arm();
      bytes += value.byteLength;
      if (bytes > maxBytes) {
        ctrl.abort();
        throw new ModelError(
          'CORE_ERR_MODEL_DOWNLOAD',
          `download of ${shown} exceeds the ${maxBytes}-byte limit`,
          {
            details: { limit: maxBytes },
          },
        );
      }
      hash.update(value);
      await fh.write(value);
    }
    await fh.close();
    fh = undefined;
    const digest = hash.digest('hex');
    if (o.sha256 && digest !== o.sha256.toLowerCase()) {
      throw new ModelError(
        'CORE_ERR_MODEL_HASH_MISMATCH',
        `download of ${shown} has sha256 ${digest}, expected ${o.sha256}`,
        {
          details: { expected: o.sha256, actual: digest },
        },
      );
    }
    await rename(tmp, dest);
    return { path: dest, bytes, sha256: digest };
  } catch (e) {
    if (e instanceof ModelError) throw e;
    if (timedOut) {
      throw new ModelError(
        'CORE_ERR_MODEL_DOWNLOAD',
        `download of ${shown} timed out (no data for ${timeoutMs} ms)`,
        {
          cause: e,
          details: { timeoutMs },
        },
      );
    }
    throw new ModelError('CORE_ERR_MODEL_DOWNLOAD', `download of ${shown} failed: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    clearTimeout(timer);
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Downloads `url` to `dest`: streamed to a temp file beside it, size- and
 * time-limited, sha256-checked, then renamed into place atomically (a reader
 * never sees a partial file). Concurrent calls for the same `dest` in this
 * process share one download; other processes wait on `<dest>.lock`. If two
 * processes still race (stale or timed-out lock), both write complete copies
 * and the last rename wins.
 *
 * @example
 * await downloadFile('https://example.com/m.onnx', '/tmp/m.onnx', { sha256: 'ab12…' });
 */
export function downloadFile(url: string, dest: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const key = resolve(dest);
  const running = inFlight.get(key);
  if (running) return running;
  const work = async () => {
    await mkdir(dirname(key), { recursive: true });
    return opts.lock === false
      ? fetchToFile(url, key, opts)
      : withFileLock(`${key}.lock`, () => fetchToFile(url, key, opts), {
          staleMs: Math.max(120_000, 3 * (opts.timeoutMs ?? 0)),
        });
  };
  const p = work().finally(() => inFlight.delete(key));
  inFlight.set(key, p);
  return p;
}
