import multipart from '@fastify/multipart';
import type { RgbImage } from '@inference-ts/core';
import { WIRE_LEGACY_QUERY_SCHEMA } from '@inference-ts/sdk/wire';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from '../errors.js';
import { type ImageSource, toImageSource, unquote } from '../inference/images.js';
import { type LegacyQuery, legacyToParams, toInferOptions, toVisualize } from '../inference/params.js';
import { clientGone, runInference } from '../inference/run.js';
import { roboflowKeyOf } from '../plugins/auth.js';
import { ERROR_RESPONSES } from '../schemas/shared.js';
import type { Services } from '../services/index.js';
import { sendResults } from './respond.js';

// the SDK's wire contract for the legacy query
const querystring = WIRE_LEGACY_QUERY_SCHEMA;

/** The image of a legacy request: `?image=` URL, a multipart part named `file`, or a raw base64 body. */
async function legacyImage(
  req: FastifyRequest<{ Querystring: LegacyQuery }>,
  s: Services,
): Promise<ImageSource> {
  const q = req.query;
  if (q.image !== undefined && q.image !== '')
    return toImageSource({ type: 'url', value: q.image }, s.options);
  const contentType = req.headers['content-type'];
  if (contentType === undefined) throw new ServerError('SERVER_ERR_CONTENT_TYPE_MISSING');
  if (req.isMultipart()) {
    try {
      for await (const part of req.parts()) {
        if (part.type === 'file' && part.fieldname === 'file')
          return { kind: 'bytes', value: await part.toBuffer() };
        if (part.type === 'file') await part.toBuffer(); // drain other files
      }
    } catch (e) {
      // fastify's own errors (size limits: 413) keep their meaning; a malformed body is the client's fault
      if (
        typeof (e as { code?: unknown }).code === 'string' &&
        String((e as { code: string }).code).startsWith('FST_')
      )
        throw e;
      throw new ServerError(
        'SERVER_ERR_CONTENT_TYPE_INVALID',
        `Malformed multipart body: ${(e as Error).message}`,
      );
    }
    throw new ServerError('SERVER_ERR_MULTIPART_FIELD');
  }
  const raw = req.body;
  const text = Buffer.isBuffer(raw) ? raw.toString('latin1') : typeof raw === 'string' ? raw : '';
  if ((q.image_type ?? 'base64').toLowerCase() !== 'base64') {
    return toImageSource({ type: String(q.image_type), value: text }, s.options);
  }
  return toImageSource({ type: 'base64', value: unquote(text) }, s.options);
}

/**
 * `GET|POST /{dataset_id}/{version_id}`: Roboflow's legacy route. Parameters
 * come in the query; the image as `?image=<url>`, a multipart `file` part, or
 * a raw base64 body (whatever the Content-Type says, as the Python client
 * labels it application/json). `format=image` answers with a JPEG.
 *
 * Registered in its own plugin so that its catch-all body parsers do not
 * leak to the JSON routes.
 */
export const legacyRoutes: FastifyPluginAsync = async (app) => {
  const s = app.services;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(multipart, {
    limits: { fileSize: s.options.images.maxBytes, files: 4, fields: 16, parts: 20 },
  });

  const handler = async (
    req: FastifyRequest<{ Params: { dataset_id: string; version_id: string }; Querystring: LegacyQuery }>,
    reply: FastifyReply,
  ) => {
    const modelId = `${req.params.dataset_id}/${req.params.version_id}`;
    const source = await legacyImage(req, s);
    const params = legacyToParams(req.query);
    const apiKey = roboflowKeyOf(req, s.options);
    let decoded: RgbImage[] = [];
    const out = await runInference(s, req.ctx, {
      modelId,
      apiKey,
      clientGone: clientGone(reply),
      sources: [source],
      options: toInferOptions(params),
      visualize: toVisualize(params),
      onDecoded: (d) => {
        decoded = d;
      },
    });
    const model = [...req.ctx.models][0] ?? modelId;
    // queued only: sampling, encoding and storage run after the answer
    s.activeLearning?.offerRequest(req.id, req.query, {
      modelId: model,
      apiKey,
      sources: [source],
      images: decoded,
      results: out.results,
    });
    if (req.query.format === 'image' && out.visualizations) {
      return reply.type('image/jpeg').send(out.visualizations[0]);
    }
    if (req.query.format !== 'image_and_json') out.visualizations = undefined;
    return sendResults(reply, s, model, out, false);
  };

  const schema = {
    tags: ['legacy'],
    summary: 'Legacy inference (query parameters; base64 body, multipart file or ?image= URL)',
    params: {
      type: 'object',
      properties: { dataset_id: { type: 'string' }, version_id: { type: 'string' } },
      required: ['dataset_id', 'version_id'],
    },
    querystring,
    response: {
      200: { description: 'JSON envelope, or image/jpeg with format=image', $ref: 'InferenceResponse#' },
      ...ERROR_RESPONSES,
    },
  };
  // Python's clients write booleans as `True`/`False` (str(bool)); pydantic accepts
  // those and other spellings, Ajv only 'true'/'false': normalise before validation.
  app.addHook('preValidation', async (req) => {
    const q = req.query as Record<string, unknown>;
    for (const key of BOOLEAN_KEYS) {
      const v = q[key];
      if (typeof v !== 'string') continue;
      const b = PYDANTIC_BOOLEANS[v.trim().toLowerCase()];
      if (b !== undefined) q[key] = b;
    }
  });
  // the model id is in the URL and a key never in the body: auth and queue admission happen before the body is read
  const config = { keyInBody: false, admitFrom: 'url' } as const;
  app.get('/:dataset_id/:version_id', { schema, config }, handler);
  app.post('/:dataset_id/:version_id', { schema, config }, handler);
};

/** Query parameters declared boolean above. */
const BOOLEAN_KEYS = Object.entries(querystring.properties)
  .filter(([, v]) => (v as { type?: string }).type === 'boolean')
  .map(([k]) => k);

/** The spellings pydantic reads as booleans. */
const PYDANTIC_BOOLEANS: Record<string, boolean> = {
  true: true,
  t: true,
  yes: true,
  y: true,
  on: true,
  '1': true,
  false: false,
  f: false,
  no: false,
  n: false,
  off: false,
  '0': false,
};
