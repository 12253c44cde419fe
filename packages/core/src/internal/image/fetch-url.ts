import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ImageInputError } from '../errors.js';
import { isPrivateAddress } from './address.js';
import { type ResolvedImageLoadOptions, resolveImageLoadOptions } from './limits.js';

/** Limits for one URL download (see `UrlFetchOptions`, plus the byte limit). */
export type FetchLimits = ResolvedImageLoadOptions['url'] & { maxBytes: number };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const urlError = (message: string, cause?: unknown): ImageInputError =>
  new ImageInputError('CORE_ERR_IMAGE_URL', message, cause === undefined ? undefined : { cause });

/**
 * Resolves a host and refuses it when any of its addresses is private. Used as
 * the socket's own `lookup`, so the address checked is the address connected
 * to: a DNS answer cannot change between the check and the connection.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const blocked = addresses.find((a) => isPrivateAddress(a.address));
    if (blocked)
      return callback(
        urlError(`The host ${hostname} resolves to a private address (${blocked.address})`),
        '',
      );
    if (addresses.length === 0) return callback(urlError(`The host ${hostname} has no address`), '');
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

function checkUrl(url: URL, limits: FetchLimits): void {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw urlError(`The URL scheme ${url.protocol} is not supported; use http(s)`);
  }
  if (url.protocol === 'http:' && !limits.allowHttp)
    throw urlError('Plain http:// URLs are refused; use https://');
  if (!limits.allowPrivateAddresses) {
    // IP literals never reach `lookup`, so they are checked here.
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (/^[\d.]+$|:/.test(host) && isPrivateAddress(host)) {
      throw urlError(`The address ${host} is private, loopback or link-local`);
    }
  }
}

function send(url: URL, limits: FetchLimits, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'GET',
      signal,
      // No pooling: a pooled socket might have been opened without the address guard.
      agent: false,
      headers: { accept: 'image/*,*/*;q=0.8', 'user-agent': 'inference-ts' },
      ...(limits.allowPrivateAddresses ? {} : { lookup: guardedLookup }),
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

function readBody(res: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      if (err) {
        res.destroy();
        reject(err);
      } else resolve(Buffer.concat(chunks, total));
    };
    const onAbort = (): void => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        res.removeAllListeners('data');
        finish(
          new ImageInputError(
            'CORE_ERR_IMAGE_TOO_LARGE',
            `The download exceeds the limit of ${maxBytes} bytes`,
          ),
        );
      } else chunks.push(chunk);
    });
    res.once('end', () => finish());
    res.once('error', (err) => finish(err));
    res.once('close', () => {
      if (!res.complete) finish(new Error('The connection closed before the body ended'));
    });
  });
}

function wrapFailure(err: unknown, url: URL, signal: AbortSignal, timeoutMs: number): ImageInputError {
  if (err instanceof ImageInputError) return err;
  if (signal.aborted) return urlError(`Fetching ${url.origin} timed out after ${timeoutMs} ms`, err);
  const message = err instanceof Error ? err.message : String(err);
  return urlError(`Fetching ${url.origin} failed: ${message}`, err);
}

/**
 * Downloads an image over http(s) with a total timeout, a byte limit enforced
 * while streaming, manual redirects (each hop re-checked) and, when
 * `allowPrivateAddresses` is false, a refusal of private addresses after DNS.
 * Missing limits take the `loadImage` defaults.
 * @example const bytes = await fetchImageBytes('https://example.com/dog.jpg', { timeoutMs: 5000 });
 */
export async function fetchImageBytes(
  input: string | URL,
  options: Partial<FetchLimits> = {},
): Promise<Buffer> {
  const { maxBytes, ...urlOptions } = options;
  const resolved = resolveImageLoadOptions({ maxBytes, url: urlOptions });
  const limits: FetchLimits = { ...resolved.url, maxBytes: resolved.maxBytes };
  let url: URL;
  try {
    url = new URL(input);
  } catch (err) {
    throw urlError(`The URL is malformed: ${String(input).slice(0, 200)}`, err);
  }
  const signal = AbortSignal.timeout(limits.timeoutMs);
  for (let redirects = 0; ; redirects++) {
    checkUrl(url, limits);
    let res: IncomingMessage;
    try {
      res = await send(url, limits, signal);
    } catch (err) {
      throw wrapFailure(err, url, signal, limits.timeoutMs);
    }
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECT_STATUSES.has(status) && location) {
      res.destroy();
      if (redirects >= limits.maxRedirects)
        throw urlError(`Too many redirects (limit ${limits.maxRedirects})`);
      try {
        url = new URL(location, url);
      } catch (err) {
        throw urlError('A redirect points to a malformed URL', err);
      }
      continue;
    }
    if (status < 200 || status > 299) {
      res.destroy();
      throw urlError(`Fetching ${url.origin} answered with status ${status}`);
    }
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      res.destroy();
      throw new ImageInputError(
        'CORE_ERR_IMAGE_TOO_LARGE',
        `The download declares ${declared} bytes; the limit is ${limits.maxBytes}`,
      );
    }
    try {
      return await readBody(res, limits.maxBytes, signal);
    } catch (err) {
      throw wrapFailure(err, url, signal, limits.timeoutMs);
    }
  }
}
