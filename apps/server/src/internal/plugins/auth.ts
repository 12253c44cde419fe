import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ServerError } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Paths served without a key whatever the route config says (docs assets). */
const PUBLIC_PREFIXES = ['/docs', '/openapi.json'];

/**
 * The key a request brings before its body: the `api_key` query parameter,
 * then `Authorization: Bearer` (unless headers are disabled).
 */
export function headerApiKey(req: FastifyRequest, allowHeader: boolean): string | undefined {
  const q = req.query as Record<string, unknown> | undefined;
  if (q && typeof q.api_key === 'string' && q.api_key !== '') return q.api_key;
  if (allowHeader) {
    const h = req.headers.authorization;
    const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The request's API key in Roboflow's precedence: `api_key` query parameter,
 * then `Authorization: Bearer` (unless headers are disabled), then the JSON
 * body's `api_key`.
 */
export function requestApiKey(req: FastifyRequest, allowHeader: boolean): string | undefined {
  const early = headerApiKey(req, allowHeader);
  if (early !== undefined) return early;
  const b = req.body as Record<string, unknown> | undefined;
  if (b && typeof b === 'object' && !Buffer.isBuffer(b) && typeof b.api_key === 'string' && b.api_key !== '')
    return b.api_key;
  return undefined;
}

/**
 * The Roboflow API key a request brings for fetching models (Roboflow's
 * precedence). When the operator protects this server with its own keys, the
 * request's key is this server's key, not a Roboflow one, so none is passed on.
 */
export function roboflowKeyOf(
  req: FastifyRequest,
  options: { apiKeys: readonly string[]; allowApiKeyFromHeaders: boolean },
): string | undefined {
  return options.apiKeys.length > 0 ? undefined : requestApiKey(req, options.allowApiKeyFromHeaders);
}

/** A check of keys against the configured ones: SHA-256 digests compared in constant time. */
export function keyChecker(apiKeys: readonly string[]): (key: string | undefined) => boolean {
  const allowed = apiKeys.map(digest);
  return (key) => {
    const d = key === undefined ? undefined : digest(key);
    let ok = false;
    for (const a of allowed) ok = (d !== undefined && timingSafeEqual(a, d)) || ok;
    return ok;
  };
}

function isPublic(req: FastifyRequest): boolean {
  if (req.routeOptions.config?.public) return true;
  const path = req.url.split('?')[0];
  return PUBLIC_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** Whether the body, once parsed, could still bring a key: a JSON body on a route that reads one. */
function bodyMayHoldKey(req: FastifyRequest): boolean {
  if (req.routeOptions.config?.keyInBody === false) return false;
  const h = req.headers;
  const hasBody = h['transfer-encoding'] !== undefined || (h['content-length'] ?? '0') !== '0';
  return hasBody && /^application\/([\w.+-]+\+)?json\b/i.test(h['content-type'] ?? '');
}

/**
 * API-key check, on only when the operator configured keys: every route
 * except the public ones (probes, docs, metrics, landing page) answers 401
 * `{"status":401,"message":"Unauthorized api_key"}` without a valid key.
 *
 * Decided before the body is read whenever possible: a key in the URL or
 * the `Authorization` header outranks one in the body, so it settles the
 * matter at once; a request with neither and no JSON body (or on a route
 * whose body never holds a key, like the legacy route) is refused at once.
 * Only a JSON body with no earlier key waits for its body (`ctx.keyPending`).
 */
const auth: FastifyPluginAsync = async (app) => {
  const { apiKeys, allowApiKeyFromHeaders } = app.services.options;
  if (apiKeys.length === 0) return;
  const isValid = keyChecker(apiKeys);
  app.addHook('onRequest', async (req) => {
    if (isPublic(req)) return;
    const key = headerApiKey(req, allowApiKeyFromHeaders);
    if (key !== undefined ? !isValid(key) : !bodyMayHoldKey(req))
      throw new ServerError('SERVER_ERR_UNAUTHORIZED');
    if (key === undefined) req.ctx.keyPending = true;
  });
  // After body parsing (a key in the JSON body counts), before validation (401 wins over 422).
  app.addHook('preValidation', async (req) => {
    if (req.ctx.keyPending && !isValid(requestApiKey(req, allowApiKeyFromHeaders)))
      throw new ServerError('SERVER_ERR_UNAUTHORIZED');
  });
};

export const authPlugin = fp(auth, { name: 'inference-auth', fastify: '5.x' });
