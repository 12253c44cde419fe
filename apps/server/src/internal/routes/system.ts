import type { FastifyPluginAsync } from 'fastify';
import { clusterMetricsText, shareMetricsWithCluster } from '../scale/cluster-metrics.js';
import { LANDING_PAGE } from './landing.js';

/** Package version reported by `/info`. */
export const SERVER_VERSION = '0.1.0';

const statusSchema = {
  type: 'object',
  properties: { status: { type: 'string' }, reason: { type: 'string' } },
} as const;

/** `/`, `/info`, `/healthz`, `/readiness`, `/metrics`: public, no API key. */
export const systemRoutes: FastifyPluginAsync = async (app) => {
  const s = app.services;
  const config = { public: true };

  app.get('/', { config, schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(LANDING_PAGE),
  );

  app.get(
    '/info',
    {
      config,
      schema: {
        tags: ['server'],
        summary: 'Server name, version and instance id',
        response: {
          200: {
            type: 'object',
            properties: { name: { type: 'string' }, version: { type: 'string' }, uuid: { type: 'string' } },
          },
        },
      },
    },
    async () => ({ name: 'Inference TS Server', version: SERVER_VERSION, uuid: s.uuid }),
  );

  app.get(
    '/healthz',
    { config, schema: { tags: ['server'], summary: 'Liveness', response: { 200: statusSchema } } },
    async () => ({ status: 'healthy' }),
  );

  app.get(
    '/readiness',
    {
      config,
      schema: {
        tags: ['server'],
        summary: 'Ready when preloaded and pinned models are warm (503 before, and while shutting down)',
        response: { 200: statusSchema, 503: statusSchema },
      },
    },
    async (_req, reply) => {
      if (s.models.ready && !s.state.shuttingDown) return { status: 'ready' };
      return reply.code(503).send({ status: 'not ready' });
    },
  );

  if (s.options.metrics) {
    // with SERVER_PROCESSES=N, a scrape answers for all N processes, not the one it landed on
    shareMetricsWithCluster(s.metrics.registry);
    app.get(
      '/metrics',
      { config, schema: { tags: ['server'], summary: 'Prometheus metrics' } },
      async (req, reply) => {
        const all = clusterMetricsText()?.catch((e: Error) => {
          req.log.warn({ reason: e.message }, 'serving this process metrics only');
          return undefined;
        });
        const text = (await all) ?? (await s.metrics.registry.metrics());
        return reply.type(s.metrics.registry.contentType).send(text);
      },
    );
  }
};
