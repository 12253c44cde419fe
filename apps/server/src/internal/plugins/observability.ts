import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { newRequestContext } from '../context.js';
import { redactUrl } from '../redact.js';

/** Masks secret parameters in a URL for logs, whatever their percent-encoding (see redact.ts). */
export function maskUrl(url: string): string {
  return redactUrl(url);
}

/**
 * Per-request bookkeeping: the request context, Roboflow's response headers
 * (`X-Processing-Time`, `X-Model-Id`, cold-start headers, `X-Request-ID`),
 * request metrics, and one log line per request (no bodies, keys masked).
 */
const observability: FastifyPluginAsync = async (app) => {
  const s = app.services;
  app.decorateRequest('ctx', null as never);

  app.addHook('onRequest', async (req) => {
    req.ctx = newRequestContext();
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const ctx = req.ctx;
    reply.header(s.options.requestIdHeader, req.id); // CORRELATION_ID_HEADER, x-request-id by default
    // While closing, keep-alive sockets are closed after their last answer so shutdown need not wait for them to idle out.
    if (s.state.shuttingDown) reply.header('connection', 'close');
    reply.header('x-processing-time', ((performance.now() - ctx.start) / 1000).toFixed(4));
    reply.header('x-inference-engine', 'inference-ts');
    reply.header('x-model-cold-start', ctx.coldStarts.length > 0 ? 'true' : 'false');
    reply.header('x-model-cold-start-count', String(ctx.coldStarts.length));
    if (ctx.models.size > 0) reply.header('x-model-id', [...ctx.models].sort().join(','));
    if (ctx.coldStarts.length > 0) {
      const total = ctx.coldStarts.reduce((a, c) => a + c.t, 0);
      reply.header('x-model-load-time', total.toFixed(4));
      reply.header(
        'x-model-load-details',
        JSON.stringify(ctx.coldStarts.map((c) => ({ m: c.m, t: Number(c.t.toFixed(4)) }))),
      );
    }
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    const ctx = req.ctx;
    const route = req.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    const model = [...ctx.models].sort().join(',');
    const seconds = (performance.now() - ctx.start) / 1000;
    s.metrics.requests.inc({ method: req.method, route, model, status });
    s.metrics.requestDuration.observe({ method: req.method, route, status }, seconds);
    if (reply.statusCode >= 400)
      s.metrics.errors.inc({ route, model, status, code: ctx.errorCode ?? 'HTTP' });
    req.log.info(
      {
        method: req.method,
        url: maskUrl(req.url),
        status: reply.statusCode,
        ms: Math.round(seconds * 10000) / 10,
        model: model || undefined,
      },
      'request',
    );
  });
};

export const observabilityPlugin = fp(observability, { name: 'inference-observability', fastify: '5.x' });
