/**
 * A tiny recording HTTP server on 127.0.0.1 for the SDK tests: it records every request
 * (method, path, query, headers, body) and answers with whatever the test's handler returns.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  /** Parsed body when it is JSON. */
  json: unknown;
}

export interface Reply {
  status?: number;
  json?: unknown;
  /** Raw body; wins over `json`. */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export type Handler = (req: RecordedRequest) => Reply | Promise<Reply>;

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Largest number of requests the server was handling at the same time. */
  maxInFlight: number;
  /** Requests currently being handled. */
  inFlight: number;
  close(): Promise<void>;
}

export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  const state: FakeServer = {
    url: '',
    requests: [],
    maxInFlight: 0,
    inFlight: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      const body = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        headers: req.headers,
        body,
        json,
      };
      state.requests.push(recorded);
      let reply: Reply;
      try {
        reply = await handler(recorded);
      } catch (e) {
        reply = { status: 500, json: { message: `fake server handler failed: ${String(e)}` } };
      }
      const payload = reply.body ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
      const headers: Record<string, string> = {
        'content-type': reply.body !== undefined ? 'application/octet-stream' : 'application/json',
        ...reply.headers,
      };
      state.inFlight--;
      res.writeHead(reply.status ?? 200, headers);
      res.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/** Canned Roboflow-shaped object-detection envelope; `tag` lands in `inference_id` so tests can check order. */
export function odResponse(tag: string): Record<string, unknown> {
  return {
    inference_id: tag,
    time: 0.01,
    image: { width: 640, height: 480 },
    predictions: [
      {
        x: 10,
        y: 20,
        width: 4,
        height: 6,
        confidence: 0.9,
        class: 'dog',
        class_id: 16,
        detection_id: `det-${tag}`,
      },
    ],
  };
}

/** `/model/registry`-shaped body. */
export function registry(models: { model_id: string; task_type: string }[]): Record<string, unknown> {
  return {
    models: models.map((m) => ({
      ...m,
      batch_size: null,
      input_height: 640,
      input_width: 640,
      request_aliases: [],
      request_paths: [],
    })),
    total_vram_bytes: null,
  };
}
