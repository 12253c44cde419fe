import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { consolePage } from './console-page.js';
import { isStreamManagerError, roboflowErrorBody, StreamManagerError } from './errors.js';
import { toStreamError } from './failures.js';
import type { StreamManager } from './manager.js';
import { SERVICE } from './manager-process.js';

const MAX_BODY = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(
          new StreamManagerError('STREAM_ERR_MALFORMED_REQUEST', 'The request body is larger than 16 MiB.'),
        );
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (!text) return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new StreamManagerError('STREAM_ERR_MALFORMED_REQUEST', 'The request body is not valid JSON.'));
      }
    });
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

/** The API key a request carries in its headers or query (`Authorization: Bearer`, `api_key`), which overrides the body's. */
function headerApiKey(req: IncomingMessage, url: URL): string | undefined {
  const q = url.searchParams.get('api_key');
  if (q) return q;
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m?.[1]?.trim() || undefined;
}

const PIPELINE_ROUTE = /^\/inference_pipelines\/([^/]+)\/(status|pause|resume|terminate|consume)$/;
const CONSOLE_PREVIEW = /^\/api\/pipelines\/([^/]+)\/preview\.jpg$/;

export interface StreamManagerHttpOptions {
  port?: number;
  host?: string;
}

/**
 * Roboflow's `/inference_pipelines/*` API (same paths, envelope and error bodies) and
 * the live console (`/`, `/api/pipelines`, `/api/pipelines/{id}/preview.jpg`) on plain
 * `node:http`. Each request awaits only its own pipeline.
 */
export class StreamManagerHttp {
  readonly manager: StreamManager;
  readonly server: Server;
  readonly #sockets = new Set<Socket>();

  constructor(manager: StreamManager) {
    this.manager = manager;
    this.server = createServer((req, res) => {
      void this.#handle(req, res);
    });
    this.server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
  }

  async listen(options: StreamManagerHttpOptions = {}): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    let pipelineId: string | null = null;
    const context = () => ({ request_id: requestId, pipeline_id: pipelineId });
    try {
      if (path === '/' && method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        res.end(consolePage());
        return;
      }
      if (path === '/healthz') return json(res, 200, { status: 'ok', service: SERVICE, pid: process.pid });
      if (path === '/api/pipelines' && method === 'GET') {
        return json(res, 200, { pipelines: await this.manager.summaries() });
      }
      const preview = CONSOLE_PREVIEW.exec(path);
      if (preview && method === 'GET') {
        const frame = await this.manager.preview(
          decodeURIComponent(preview[1]),
          Number(url.searchParams.get('source') ?? 0),
        );
        if (!frame) {
          res.writeHead(204, { 'cache-control': 'no-store' });
          res.end();
          return;
        }
        res.writeHead(200, {
          'content-type': 'image/jpeg',
          'content-length': frame.jpeg.byteLength,
          'cache-control': 'no-store',
          'x-frame-id': String(frame.frameId),
          'access-control-expose-headers': 'x-frame-id',
        });
        res.end(Buffer.from(frame.jpeg.buffer, frame.jpeg.byteOffset, frame.jpeg.byteLength));
        return;
      }
      if (path === '/inference_pipelines/list' && method === 'GET') {
        await readBody(req).catch(() => undefined); // the Python client sends {"api_key": ...}
        return json(res, 200, { status: 'success', context: context(), pipelines: this.manager.list() });
      }
      if (path === '/inference_pipelines/initialise' && method === 'POST') {
        const body = await readBody(req);
        pipelineId = await this.manager.initialise(body, headerApiKey(req, url));
        return json(res, 200, { status: 'success', context: context() });
      }
      if (path === '/inference_pipelines/initialise_webrtc') {
        throw new StreamManagerError(
          'STREAM_ERR_INVALID_PAYLOAD',
          'WebRTC pipelines are not served by Inference TS.',
        );
      }
      const m = PIPELINE_ROUTE.exec(path);
      if (m) {
        pipelineId = decodeURIComponent(m[1]);
        const action = m[2];
        const wantsPost = action === 'pause' || action === 'resume' || action === 'terminate';
        if ((wantsPost && method !== 'POST') || (!wantsPost && method !== 'GET')) {
          return json(res, 405, { detail: 'Method Not Allowed' });
        }
        const body = await readBody(req);
        switch (action) {
          case 'status': {
            const s = await this.manager.status(pipelineId);
            return json(res, 200, {
              status: 'success',
              context: context(),
              report: s.report,
              process: s.process,
            });
          }
          case 'pause':
            await this.manager.pause(pipelineId);
            return json(res, 200, { status: 'success', context: context() });
          case 'resume':
            await this.manager.resume(pipelineId);
            return json(res, 200, { status: 'success', context: context() });
          case 'terminate':
            await this.manager.terminate(pipelineId);
            return json(res, 200, { status: 'success', context: context() });
          default: {
            // Roboflow's client sends a GET body; clients that cannot (fetch) may use ?excluded_fields=a,b
            const fromQuery = url.searchParams.get('excluded_fields');
            const excluded =
              (body as { excluded_fields?: unknown } | undefined)?.excluded_fields ??
              (fromQuery ? fromQuery.split(',').filter(Boolean) : undefined);
            if (
              excluded !== undefined &&
              excluded !== null &&
              !(Array.isArray(excluded) && excluded.every((x) => typeof x === 'string'))
            ) {
              throw new StreamManagerError(
                'STREAM_ERR_INVALID_PAYLOAD',
                'excluded_fields must be a list of output names.',
              );
            }
            const c = await this.manager.consume(pipelineId, (excluded as string[] | null | undefined) ?? []);
            return json(res, 200, {
              status: 'success',
              context: context(),
              outputs: c.outputs,
              frames_metadata: c.frames_metadata,
            });
          }
        }
      }
      return json(res, 404, { detail: 'Not Found' });
    } catch (e) {
      const err = isStreamManagerError(e) ? e : toStreamError(e);
      if (!res.headersSent) json(res, err.status, roboflowErrorBody(err));
      else res.destroy();
    }
  }
}
