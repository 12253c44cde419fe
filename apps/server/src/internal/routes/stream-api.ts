import { request } from 'node:http';
import {
  ManagerProcess,
  type ManagerProcessOptions,
  roboflowErrorBody,
  StreamManagerError,
} from '@inference-ts/stream-manager';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** How the server reaches the stream manager. */
export interface StreamApiOptions {
  /** An already running manager (e.g. `inference stream-manager start`); nothing is spawned. */
  url?: string;
  /** Otherwise the server starts the manager as its own child process with these settings. */
  process?: ManagerProcessOptions;
}

/** Headers passed through to and from the manager. */
const REQUEST_HEADERS = ['content-type', 'authorization', 'accept'];
const RESPONSE_HEADERS = ['content-type', 'x-frame-id', 'cache-control', 'access-control-expose-headers'];

function readRaw(req: FastifyRequest): Promise<Buffer | undefined> {
  if (Buffer.isBuffer(req.body)) return Promise.resolve(req.body);
  const raw = req.raw;
  // a GET with a body (Roboflow's Python client sends {"api_key": ...} and consume's excluded_fields)
  if (!raw.headers['content-length'] && !raw.headers['transfer-encoding']) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => resolve(Buffer.concat(chunks)));
    raw.on('error', reject);
  });
}

function unavailable(reply: FastifyReply, why: string) {
  const e = new StreamManagerError('STREAM_ERR_MANAGER_UNAVAILABLE', why);
  return reply
    .code(e.status)
    .type('application/json')
    .send(JSON.stringify(roboflowErrorBody(e)));
}

/**
 * Roboflow's `/inference_pipelines/*` (and the console at `/streams/`), served when
 * ENABLE_STREAM_API is on by forwarding each request over loopback HTTP to the stream
 * manager, a separate process: a manager crash never takes the server down (requests
 * answer 503 while it restarts) and a server crash stops the manager with it.
 */
export const streamApiRoutes: FastifyPluginAsync<StreamApiOptions> = async (app, options) => {
  const managed = options.url ? undefined : await ManagerProcess.start(options.process ?? {});
  const base = () => options.url ?? managed?.url;
  app.addHook('onClose', async () => {
    await managed?.close();
  });
  // bodies go through untouched: the manager parses and validates them
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const forward = async (req: FastifyRequest, reply: FastifyReply, path: string) => {
    const target = base();
    if (!target) return unavailable(reply, 'The stream manager is restarting; retry shortly.');
    const body = await readRaw(req);
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    const headers: Record<string, string> = {};
    for (const h of REQUEST_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    if (body) headers['content-length'] = String(body.length);
    return new Promise<void>((resolve) => {
      const upstream = request(`${target}${path}${query}`, { method: req.method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          reply.code(res.statusCode ?? 502);
          for (const h of RESPONSE_HEADERS) {
            const v = res.headers[h];
            if (v !== undefined) reply.header(h, v);
          }
          reply.send(Buffer.concat(chunks));
          resolve();
        });
        res.on('error', () => {
          unavailable(reply, 'The stream manager closed the connection.');
          resolve();
        });
      });
      upstream.on('error', () => {
        unavailable(reply, 'The stream manager cannot be reached; retry shortly.');
        resolve();
      });
      upstream.end(body);
    });
  };

  const hidden = { schema: { hide: true } };
  app.all('/inference_pipelines/*', hidden, (req, reply) => forward(req, reply, req.url.split('?')[0]));
  app.get('/streams', hidden, (_req, reply) => reply.redirect('/streams/'));
  app.get('/streams/*', hidden, (req, reply) =>
    forward(req, reply, `/${(req.params as { '*': string })['*']}`),
  );
  app.post('/streams/*', hidden, (req, reply) =>
    forward(req, reply, `/${(req.params as { '*': string })['*']}`),
  );
};
