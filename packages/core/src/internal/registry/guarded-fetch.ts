import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { ModelError } from '../errors.js';
import { isPrivateAddress } from '../image/address.js';
import { guardedLookup } from '../image/fetch-url.js';
import type { FetchLike } from './download.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const refused = (message: string) => new ModelError('CORE_ERR_MODEL_DOWNLOAD', message);

/**
 * A `fetch` for model URLs that never reaches private, loopback or
 * link-local addresses: the check runs in the socket's own DNS lookup (so the
 * address checked is the one connected to) and again on every redirect hop.
 * The server uses it for model URLs that requests name.
 */
export function guardedFetch(maxRedirects = 5): FetchLike {
  return async (url, init) => {
    let current = new URL(url);
    for (let hop = 0; ; hop++) {
      const host = current.hostname.replace(/^\[|\]$/g, '');
      if ((/^[\d.]+$/.test(host) || host.includes(':')) && isPrivateAddress(host)) {
        throw refused(`model download refused: ${host} is a private, loopback or link-local address`);
      }
      const res = await send(current, init);
      const location = res.headers.location;
      if (REDIRECTS.has(res.statusCode ?? 0) && location) {
        res.resume();
        if (hop >= maxRedirects) throw refused(`model download refused: more than ${maxRedirects} redirects`);
        current = new URL(location, current);
        if (current.protocol !== 'https:' && current.protocol !== 'http:') {
          throw refused(`model download refused: redirect to ${current.protocol}`);
        }
        continue;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (typeof v === 'string') headers.set(k, v);
        else if (Array.isArray(v)) for (const x of v) headers.append(k, x);
      }
      const status = res.statusCode ?? 502;
      const body =
        status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      return new Response(body, { status, headers });
    }
  };
}

function send(url: URL, init: RequestInit | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'GET',
      signal: init?.signal ?? undefined,
      headers: (init?.headers as Record<string, string> | undefined) ?? {},
      agent: false, // a pooled socket might have been opened without the guard
      lookup: guardedLookup,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}
