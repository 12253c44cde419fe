import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { InferenceEngine } from '@inference-ts/core';
import { setDecoderCache } from '@inference-ts/core/image';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import type { Histogram } from 'prom-client';
import './context.js';
import { RemoteInference } from './distributed/front.js';
import { isModelFileFault, mapError } from './error-mapper.js';
import { ServerError } from './errors.js';
import { readJsonBody } from './inference/json-body.js';
import { type ResolvedServerOptions, resolveServerOptions, type ServerOptions } from './options.js';
import { admissionPlugin, beforeJsonParse } from './plugins/admission.js';
import { authPlugin } from './plugins/auth.js';
import { observabilityPlugin } from './plugins/observability.js';
import { makeRedactor } from './redact.js';
import { inferRoutes } from './routes/infer.js';
import { legacyRoutes } from './routes/legacy.js';
import { modelRoutes } from './routes/models.js';
import { ocrRoutes } from './routes/ocr.js';
import { streamApiRoutes } from './routes/stream-api.js';
import { SERVER_VERSION, systemRoutes } from './routes/system.js';
import { unsupportedRoutes } from './routes/unsupported.js';
import { batchMetrics } from './scale/batch-metrics.js';
import { SHARED_SCHEMAS } from './schemas/shared.js';
import { ServerActiveLearning } from './services/active-learning.js';
import type { Services } from './services/index.js';
import { ServerMetrics } from './services/metrics.js';
import { ModelService } from './services/models.js';
import { PixelBudget } from './services/pixel-budget.js';
import { QueueSet } from './services/queue.js';

const REQUEST_ID_RE = /^[\w.:@/+=-]{1,128}$/;

/** Routes that keep answering while the server closes (readiness says 503 itself). */
const PROBE_ROUTES = new Set(['/healthz', '/readiness', '/metrics']);

/** Requests per model a scale-out front lets wait for the workers (at least). */
const FRONT_MIN_QUEUED = 256;

/** Retry-After of the 503 a closing server answers: long enough for a replacement to come up. */
const SHUTDOWN_RETRY_AFTER_S = 5;

/**
 * A model that failed to load: a client's mistake (a bad id, a file the
 * request named) is a warning without a stack; an operator's model (preloaded,
 * pinned, aliased) or a server-side failure is an error with its stack.
 */
function logLoadFailure(log: FastifyBaseLogger, model: string, error: unknown, operator: boolean): void {
  const e = error as { code?: string; status?: number; message?: string };
  const clientFault =
    !operator && (typeof e.status !== 'number' || e.status < 500 || isModelFileFault(e.code));
  if (clientFault) log.warn({ model, code: e.code, reason: e.message }, 'model load failed');
  else log.error({ model, err: error }, 'model load failed');
}

/**
 * Socket-level client errors (before fastify has a request): the documented
 * `{"message": ...}` body instead of fastify's `{error, message, statusCode}`.
 */
function answerClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const code =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? 'SERVER_ERR_HEADERS_TOO_LARGE'
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'SERVER_ERR_REQUEST_TIMEOUT'
        : 'SERVER_ERR_BAD_REQUEST';
  const m = mapError(new ServerError(code), {});
  const body = JSON.stringify(m.body);
  this.log.debug({ code, reason: err.code }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${m.status} ${STATUS_CODES[m.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/** Headers browsers may read on cross-origin answers. */
const EXPOSED_HEADERS = [
  'x-processing-time',
  'x-model-id',
  'x-model-cold-start',
  'x-model-cold-start-count',
  'x-model-load-time',
  'x-model-load-details',
  'x-inference-engine',
  'x-request-id',
  'retry-after',
  'traceparent',
  'tracestate',
];

function isLogger(l: ServerOptions['logger']): l is FastifyBaseLogger {
  return typeof l === 'object' && l !== null && typeof (l as FastifyBaseLogger).child === 'function';
}

function fastifyOptions(options: ServerOptions, opts: ResolvedServerOptions): FastifyServerOptions {
  const header = opts.requestIdHeader;
  const base: FastifyServerOptions = {
    bodyLimit: opts.bodyLimitBytes,
    // Time to receive a whole request (slow clients); inference time is bounded separately.
    requestTimeout: opts.requestTimeoutMs,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers[header];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    // One line per request is logged by the observability plugin instead.
    logController: new LogController({ disableRequestLogging: true }),
    // URLs fastify cannot parse (bad percent-encoding, ...) answer like any unknown route
    frameworkErrors: (_error, _req, reply) => {
      (reply as unknown as { code(n: number): { type(t: string): { send(b: string): void } } })
        .code(400)
        .type('application/json')
        .send('{"detail":"Bad Request"}');
    },
    // requests on kept-alive connections during shutdown get our 503 body (+ Retry-After) from a hook instead
    return503OnClosing: false,
    // malformed HTTP, oversized headers, slow headers: answered in the documented body shape
    clientErrorHandler: answerClientError,
    forceCloseConnections: 'idle',
    ajv: {
      customOptions: { allErrors: true, coerceTypes: 'array', useDefaults: true, removeAdditional: true },
    },
  };
  if (isLogger(options.logger)) return { ...base, loggerInstance: options.logger };
  const logger = options.logger ?? true;
  if (logger === false) return { ...base, logger: false };
  // Every line is redacted as it is written, whatever logged it: the server's keys and the
  // Roboflow key by value, and secret-named parameters (after decoding) by name.
  const redact = makeRedactor([...opts.apiKeys, options.engineOptions?.apiKey]);
  return {
    ...base,
    logger: {
      level: (logger === true ? undefined : logger.level) ?? 'info',
      hooks: { streamWrite: redact },
    },
  };
}

/**
 * Builds the HTTP server (not yet listening): Roboflow-compatible routes over
 * one `InferenceEngine`, with per-model bounded queues, metrics, auth, CORS
 * and OpenAPI docs. Preloading starts at once; `/readiness` reports it.
 * `app.close()` stops accepting, lets in-flight requests finish, and
 * disposes the engine if the server created it.
 *
 * @example
 * const app = await buildServer({ preloadModels: ['pp-ocr'] });
 * await app.listen({ port: 9001, host: '0.0.0.0' });
 * // ... later
 * await app.close();
 */
export async function buildServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const opts = resolveServerOptions(options);
  const app = Fastify(fastifyOptions(options, opts));

  // a front holds only request bodies while workers infer: its bound is the workers' backlog, not its own run slots
  const queues = new QueueSet(
    opts.queue.concurrency,
    options.distributed ? Math.max(opts.queue.maxQueued, FRONT_MIN_QUEUED) : opts.queue.maxQueued,
  );
  // every request brings new images: libvips' operation cache would only hold memory
  setDecoderCache(false);
  let metrics: ServerMetrics | undefined;
  let batchSizes: Histogram<'model'> | undefined;
  const owned = !options.engine;
  const engine =
    options.engine ??
    new InferenceEngine({
      // model URLs named by requests get the same private-address guard as image URLs
      allowPrivateUrls: opts.images.allowPrivateUrls,
      ...options.engineOptions,
      // a server serves both lone requests and bursts: all threads when idle, a worker per core
      // under load (+25% throughput at concurrency 4 on 2 cores with yolov8n); ORT_SESSIONS=1 saves memory
      session: {
        ...options.engineOptions?.session,
        sessions: options.engineOptions?.session?.sessions ?? 'adaptive',
        batching: options.engineOptions?.session?.batching && {
          ...options.engineOptions.session.batching,
          onBatch: (model, rows) => batchSizes?.observe({ model }, rows),
        },
      },
      onModelLoad: (e) => {
        options.engineOptions?.onModelLoad?.(e);
        if (e.phase === 'start') app.log.info({ model: e.id }, 'loading model');
        if (e.phase === 'error') logLoadFailure(app.log, e.id, e.error, models.isOperatorModel(e.id));
        if (e.phase !== 'start')
          metrics?.modelLoads.observe(
            { model: e.id, outcome: e.phase === 'end' ? 'ok' : 'error' },
            (e.ms ?? 0) / 1000,
          );
      },
    });
  const pixels = new PixelBudget(opts.decodeBudget.maxPixels, opts.decodeBudget.waitMs);
  metrics = new ServerMetrics(queues, () => engine.loadedModels().length, pixels);
  batchSizes = batchMetrics(metrics.registry, () => engine.loadedModels());
  const models = new ModelService(engine, opts, app.log);
  const services: Services = {
    options: opts,
    engine,
    models,
    queues,
    pixels,
    metrics,
    state: { shuttingDown: false },
    uuid: randomUUID(),
  };
  app.decorate('services', services);
  if (options.distributed) {
    services.remote = new RemoteInference(options.distributed, services, app.log);
    services.remote.start();
  }
  if (options.activeLearning) {
    services.activeLearning = await ServerActiveLearning.create(
      options.activeLearning,
      app.log,
      metrics.registry,
      options.engineOptions?.apiBaseUrl,
      // sampling and encoding wait while inference runs: a lone request's session already uses
      // every core, concurrent ones one core each (see ActiveLearningOptions.busy)
      () => {
        for (const [, q] of services.queues.entries()) if (q.running > 0) return true;
        return false;
      },
    );
  }

  // JSON bodies: an empty body is "no body" (the SDK posts /model/clear with a JSON content type and nothing else).
  app.removeContentTypeParser('application/json');
  // Read as bytes: a base64 image is then made into a string once, not twice (inference/json-body.ts).
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const json = readJsonBody(body as Buffer);
    if (json.text.trim() === '') return done(null, undefined);
    try {
      // a wrong body key or a full queue is answered before paying for JSON.parse and validation
      beforeJsonParse(req, json.text);
    } catch (e) {
      return done(e as Error, undefined);
    }
    try {
      done(null, withoutNulls(json.parse()));
    } catch {
      done(
        Object.assign(new Error('Invalid JSON body'), {
          code: 'FST_ERR_CTP_INVALID_JSON_BODY',
          statusCode: 400,
        }),
        undefined,
      );
    }
  });

  // error bodies may quote URLs and request fields: the same redaction as the logs
  const redact = makeRedactor([...opts.apiKeys, options.engineOptions?.apiKey]);
  app.setErrorHandler((error, req, reply) => {
    const m = mapError(error, req);
    if (req.ctx) req.ctx.errorCode = m.code;
    if (m.internal) req.log.error({ err: error, code: m.code }, 'request failed');
    else req.log.debug({ code: m.code, message: (error as Error).message }, 'request refused');
    return reply
      .code(m.status)
      .headers(m.headers)
      .type('application/json')
      .send(redact(JSON.stringify(m.body)));
  });
  app.setNotFoundHandler((_req, reply) =>
    reply.code(404).type('application/json').send('{"detail":"Not Found"}'),
  );

  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);
  await app.register(observabilityPlugin);
  // After the request context exists, before auth: a closing server answers 503 + Retry-After whoever asks.
  app.addHook('onRequest', async (req) => {
    if (services.state.shuttingDown && !PROBE_ROUTES.has(req.routeOptions.url ?? ''))
      throw new ServerError('SERVER_ERR_SHUTTING_DOWN', undefined, { retryAfter: SHUTDOWN_RETRY_AFTER_S });
  });
  await app.register(authPlugin);
  await app.register(admissionPlugin);
  if (opts.corsOrigins.length > 0) {
    // Policy: `*` answers a literal `*` and never allows credentials (browsers would send
    // cookies to any site's scripts); only an explicit list of origins is echoed back, and
    // only those get Access-Control-Allow-Credentials.
    const any = opts.corsOrigins.includes('*');
    const listed = new Set(opts.corsOrigins);
    const exposedHeaders = [...new Set([...EXPOSED_HEADERS, opts.requestIdHeader])];
    await app.register(cors, {
      delegator: (req, cb) => {
        const origin = req.headers.origin;
        if (any) return cb(null, { origin: '*', credentials: false, exposedHeaders });
        const ok = typeof origin === 'string' && listed.has(origin);
        cb(null, { origin: ok ? origin : false, credentials: ok, exposedHeaders });
      },
    });
  }
  if (opts.docs) {
    await app.register(swagger, {
      // Components keep their $id names instead of def-0, def-1, ...
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
      openapi: {
        info: {
          title: 'Inference TS',
          version: SERVER_VERSION,
          description: 'Roboflow-compatible inference API',
        },
        tags: [
          { name: 'inference', description: 'v1 inference routes' },
          { name: 'ocr' },
          { name: 'legacy', description: 'Roboflow hosted-API style route' },
          { name: 'models' },
          { name: 'server' },
        ],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
    app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  }

  app.addHook('preClose', async () => {
    services.state.shuttingDown = true;
  });
  app.addHook('onClose', async () => {
    models.stopPreloading();
    await services.remote?.close();
    await services.activeLearning?.close();
    if (owned) await engine.dispose();
  });

  await app.register(systemRoutes);
  await app.register(inferRoutes, { prefix: '/infer' });
  await app.register(ocrRoutes, { prefix: '/ocr' });
  await app.register(modelRoutes, { prefix: '/model' });
  if (options.streamApi) await app.register(streamApiRoutes, options.streamApi);
  await app.register(unsupportedRoutes, { streamApi: options.streamApi !== undefined });
  if (opts.legacyRoute) await app.register(legacyRoutes);

  await models.refreshAliases();
  models.startPreload();
  return app;
}

/**
 * Closes the server within a bound: readiness turns 503, new connections
 * are refused, in-flight requests get up to `timeoutMs` to finish, then any
 * connection still open is dropped; models are unloaded last.
 */
export async function closeGracefully(
  app: FastifyInstance,
  timeoutMs = app.services.options.shutdownTimeoutMs,
): Promise<void> {
  app.services.state.shuttingDown = true;
  const timer = setTimeout(() => app.server.closeAllConnections(), timeoutMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Top-level `null` fields mean "not given" (Roboflow's clients never send them;
 * pydantic's optional fields read them as unset). Without this, Ajv's type
 * coercion would turn `"confidence": null` into 0 and return every candidate.
 */
function withoutNulls(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (v !== null) out[k] = v;
  return out;
}
