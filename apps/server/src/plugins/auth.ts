import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ServerError } from '../errors.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Paths served without a key whatever the route config says (docs assets). */
const PUBLIC_PREFIXES = ['/docs', '/openapi.json'];

/**
 * The request's API key in Roboflow's precedence: `api_key` query parameter,
 * then `Authorization: Bearer` (unless headers are disabled), then the JSON
 * body's `api_key`.
 */
export function requestApiKey(req: FastifyRequest, allowHeader: boolean): string | undefined {
  const q = req.query as Record<string, unknown> | undefined;
  if (q && typeof q.api_key === 'string' && q.api_key !== '') return q.api_key;
  if (allowHeader) {
    const h = req.headers.authorization;
    const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
    if (m) return m[1];
  }
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

/**
 * API-key check, on only when the operator configured keys: every route
 * except the public ones (probes, docs, metrics, landing page) answers 401
 * `{"status":401,"message":"Unauthorized api_key"}` without a valid key.
 * Keys are compared as SHA-256 digests in constant time.
 */
const auth: FastifyPluginAsync = async (app) => {
  const { apiKeys, allowApiKeyFromHeaders } = app.services.options;
  if (apiKeys.length === 0) return;
  const allowed = apiKeys.map(digest);
  // After body parsing (a key in the JSON body counts), before validation (401 wins over 422).
  app.addHook('preValidation', async (req) => {
    if (req.routeOptions.config?.public) return;
    const path = req.url.split('?')[0];
    if (PUBLIC_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return;
    const key = requestApiKey(req, allowApiKeyFromHeaders);
    const d = key === undefined ? undefined : digest(key);
    let ok = false;
    for (const a of allowed) ok = (d !== undefined && timingSafeEqual(a, d)) || ok;
    if (!ok) throw new ServerError('SERVER_ERR_UNAUTHORIZED');
  });
};

export const authPlugin = fp(auth, { name: 'inference-auth', fastify: '5.x' });
