import type { FastifyPluginAsync } from 'fastify';
import { roboflowKeyOf } from '../plugins/auth.js';
import { followModelOps, shareModelOp } from '../scale/cluster-models.js';
import { ERROR_RESPONSES } from '../schemas/shared.js';

const describeReply = { 200: { $ref: 'ModelsDescriptions#' }, ...ERROR_RESPONSES } as const;

/** `/model/*`: list, load, unload, clear. Every answer is Roboflow's `ModelsDescriptions`. */
export const modelRoutes: FastifyPluginAsync = async (app) => {
  const { models } = app.services;
  // SERVER_PROCESSES=N: what one process is asked to load or unload, the others do too
  followModelOps(models, (op, e) =>
    app.log.warn(
      { op: op.op, model: 'modelId' in op ? op.modelId : undefined, reason: e.message },
      'model operation from another server process failed',
    ),
  );

  app.get(
    '/registry',
    {
      schema: {
        tags: ['models'],
        summary: 'Loaded models',
        querystring: { type: 'object', properties: { api_key: { type: 'string' } } },
        response: describeReply,
      },
    },
    async () => models.describeAll(),
  );

  app.post<{ Body: { model_id: string; model_type?: string; api_key?: string } }>(
    '/add',
    {
      schema: {
        tags: ['models'],
        summary: 'Load a model (waits for the load)',
        body: {
          type: 'object',
          required: ['model_id'],
          properties: {
            model_id: { type: 'string', minLength: 1 },
            model_type: { type: 'string' },
            api_key: { type: 'string' },
          },
        },
        response: describeReply,
      },
    },
    async (req) => {
      const apiKey = roboflowKeyOf(req, app.services.options);
      await models.add(req.body.model_id, apiKey);
      req.ctx.models.add(models.keyFor(req.body.model_id));
      shareModelOp({ op: 'add', modelId: req.body.model_id, apiKey });
      return models.describeAll();
    },
  );

  app.post<{ Body: { model_id: string } }>(
    '/remove',
    {
      schema: {
        tags: ['models'],
        summary: 'Unload a model (unknown ids are a silent success)',
        body: { type: 'object', required: ['model_id'], properties: { model_id: { type: 'string' } } },
        response: describeReply,
      },
    },
    async (req) => {
      await models.remove(req.body.model_id);
      shareModelOp({ op: 'remove', modelId: req.body.model_id });
      return models.describeAll();
    },
  );

  app.post(
    '/clear',
    { schema: { tags: ['models'], summary: 'Unload every model', response: describeReply } },
    async () => {
      await models.clear();
      shareModelOp({ op: 'clear' });
      return models.describeAll();
    },
  );
};
