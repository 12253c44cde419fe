import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { RequestContext } from '../context.js';
import { ServerError } from '../errors.js';
import { EarlyAdmission, scanStringMembers } from '../inference/early-admission.js';
import type { Services } from '../services/index.js';
import { keyChecker } from './auth.js';

/** Takes a place in `modelId`'s queue now (429 when it is full), for `runInference` to take over. */
export function admitEarly(s: Services, ctx: RequestContext, modelId: string): void {
  const key = s.models.keyFor(modelId);
  ctx.models.add(key); // X-Model-Id and the metrics' model label, refused or not
  const ticket = s.queues.admit(key);
  ctx.admission?.release();
  ctx.admission = new EarlyAdmission(key, ticket);
}

const checkers = new WeakMap<Services, (key: string | undefined) => boolean>();

function isValidKey(s: Services, key: string): boolean {
  let check = checkers.get(s);
  if (!check) {
    check = keyChecker(s.options.apiKeys);
    checkers.set(s, check);
  }
  return check(key);
}

/** Requests whose body prefix already showed a valid key (the full-text scan is skipped). */
const keySeen = new WeakSet<FastifyRequest>();

/**
 * Checks what `text` (the whole body, or its first part) shows: a body key
 * when one is still needed (401 when every `api_key` member found is wrong),
 * then, on v1 inference routes, the one `model_id` it names is admitted to
 * its queue (429 when full). Returns true once nothing is left to learn.
 */
function checkBodyText(req: FastifyRequest, text: string): boolean {
  const s = req.server.services;
  const ctx = req.ctx;
  if (ctx.keyPending && !keySeen.has(req)) {
    const keys = scanStringMembers(text, 'api_key');
    if (keys === undefined) return true; // a key may hide behind an escape: decide after parsing
    if (keys.length === 0) return false;
    if (!keys.some((k) => isValidKey(s, k))) throw new ServerError('SERVER_ERR_UNAUTHORIZED');
    keySeen.add(req);
  }
  if (req.routeOptions.config?.admitFrom !== 'body' || ctx.admission) return true;
  const ids = scanStringMembers(text, 'model_id');
  if (ids === undefined || ids.length > 1) return true;
  if (ids.length === 0) return false;
  try {
    s.models.keyFor(ids[0]);
  } catch {
    return true; // a refused id is reported after validation, as before
  }
  admitEarly(s, ctx, ids[0]);
  return true;
}

/**
 * What the raw text of a JSON body settles before it is parsed (called by
 * the JSON body parser): a body whose `api_key` members are all wrong is a
 * 401, and on a v1 inference route the `model_id` it names is admitted to
 * its queue (429 when full) — without the cost of `JSON.parse` and schema
 * validation of a body that is refused anyway. Text the scan cannot read
 * for certain (escapes, several model ids) is left to the normal path.
 */
export function beforeJsonParse(req: FastifyRequest, text: string): void {
  if (req.ctx) checkBodyText(req, text);
}

/** Requests refused from their body prefix, whose unread rest is being drained. */
const drained = new WeakSet<FastifyRequest>();

/** How much of a JSON body is looked at while it arrives. */
const PREFIX_BYTES = 64 * 1024;

/**
 * Passes the body through unchanged while looking at its first 64 KiB:
 * clients that write `api_key` and `model_id` before the image (Roboflow's
 * Python SDK does) are refused before the rest of the upload is read.
 */
class PrefixCheck extends Transform {
  readonly #req: FastifyRequest;
  readonly #decoder = new StringDecoder('utf8');
  #head = '';
  #done = false;

  constructor(req: FastifyRequest) {
    super();
    this.#req = req;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.#done) {
      this.#head += this.#decoder.write(chunk);
      try {
        this.#done = checkBodyText(this.#req, this.#head) || this.#head.length >= PREFIX_BYTES;
      } catch (e) {
        cb(e as Error);
        return;
      }
      if (this.#done) this.#head = '';
    }
    cb(null, chunk);
  }
}

/**
 * Queue admission before the body is read, on routes that say where their
 * model id is (`config.admitFrom`): the legacy route's id is in its URL, so
 * a full queue answers 429 before a byte of the body is read; v1 routes
 * carry it in the JSON body: its first 64 KiB are scanned while they arrive
 * (`api_key` and `model_id` usually come before the image), and the whole
 * text again before `JSON.parse` (`beforeJsonParse`).
 * A place taken early is given back however the request ends, unless the
 * inference took it over.
 */
const admission: FastifyPluginAsync = async (app) => {
  const s = app.services;
  app.addHook('preParsing', async (req, _reply, payload) => {
    if (!req.ctx?.keyPending && req.routeOptions.config?.admitFrom !== 'body') return payload;
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(req.headers['content-type'] ?? '')) return payload;
    // pipe, not pipeline: a refusal must not destroy the request (and its socket) before the answer
    // is written. The unread rest of the body is drained unparsed, so the client, still sending,
    // reads the answer instead of a broken pipe.
    const check = new PrefixCheck(req);
    payload.once('error', (e) => check.destroy(e));
    check.once('error', () => {
      payload.unpipe(check);
      payload.resume();
      drained.add(req);
    });
    return payload.pipe(check);
  });
  // fastify closes the connection after a body-parsing error, as more data may follow; a drained
  // body keeps the connection usable, and closing it under a client still sending would reset it
  // before the client read its answer
  app.addHook('onSend', async (req, reply) => {
    if (drained.has(req)) reply.removeHeader('connection');
  });
  app.addHook('onRequest', async (req, reply) => {
    const from = req.routeOptions.config?.admitFrom;
    if (!from) return;
    reply.raw.once('close', () => req.ctx.admission?.release());
    if (from !== 'url') return;
    const p = req.params as { dataset_id?: string; version_id?: string };
    if (p.dataset_id !== undefined && p.version_id !== undefined)
      admitEarly(s, req.ctx, `${p.dataset_id}/${p.version_id}`);
  });
};

export const admissionPlugin = fp(admission, {
  name: 'inference-admission',
  fastify: '5.x',
  dependencies: ['inference-auth'],
});
