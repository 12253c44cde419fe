/**
 * A local stand-in for the Roboflow API, speaking its wire format for
 * `GET /ort/{dataset}/{version}` and serving the weight and environment URLs
 * it hands out, so registry, engine and server tests run offline.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRoboflowModel {
  /** ONNX bytes to serve (or `onnxPath`). */
  onnxBytes?: Uint8Array;
  onnxPath?: string;
  /** The environment JSON (an object, or a raw string served as is). */
  environment?: Record<string, unknown> | string;
  classes?: string[];
  colors?: Record<string, string>;
  /** `ort.type` (task), default 'object-detection'. */
  type?: string;
  /** `ort.modelType`, e.g. 'yolov8n'. */
  modelType?: string;
  keypointsMetadata?: unknown;
}

export interface FakeRoboflowOptions {
  /** `'dataset/version'` -> model. */
  models: Record<string, FakeRoboflowModel>;
  /** The accepted API key (default 'test-key'). */
  apiKey?: string;
  /** Port to listen on (default: any free one). */
  port?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeRoboflow {
  /** Base URL, e.g. `http://127.0.0.1:40123` (pass as apiBaseUrl). */
  url: string;
  apiKey: string;
  /** Request count per path (query excluded), e.g. `requests['/ort/coco/3']`. */
  requests: Record<string, number>;
  /** Every request in order. */
  log: RecordedRequest[];
  /** Total number of requests. */
  total(): number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const data = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(data as string | Uint8Array),
  });
  res.end(data);
}

/**
 * Starts the fake on 127.0.0.1 (a free port). Answers like Roboflow:
 * 401 `{"error":{...}}` for a wrong or missing key, 404 for unknown models.
 *
 * @example
 * const rf = await startFakeRoboflow({ models: { 'coco/3': { onnxBytes, classes: ['person'], modelType: 'yolov8n' } } });
 * const registry = new ModelRegistry({ apiBaseUrl: rf.url, apiKey: rf.apiKey, allowHttp: true, cacheDir });
 * await registry.resolve('coco/3');
 * rf.requests['/ort/coco/3']; // -> 1
 * await rf.close();
 */
export async function startFakeRoboflow(opts: FakeRoboflowOptions): Promise<FakeRoboflow> {
  const apiKey = opts.apiKey ?? 'test-key';
  const requests: Record<string, number> = {};
  const log: RecordedRequest[] = [];
  let base = '';

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    requests[u.pathname] = (requests[u.pathname] ?? 0) + 1;
    log.push({
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: req.headers,
    });

    const ort = /^\/ort\/([^/]+)\/([^/]+)$/.exec(u.pathname);
    if (ort) {
      const key = u.searchParams.get('api_key');
      if (key !== apiKey) {
        return send(res, 401, {
          error: {
            message: 'This API key does not exist (or has been revoked).',
            status: 401,
            type: 'OAuthException',
          },
        });
      }
      const id = `${decodeURIComponent(ort[1])}/${decodeURIComponent(ort[2])}`;
      const m = opts.models[id];
      if (!m) return send(res, 404, { error: { message: `Model ${id} not found`, status: 404 } });
      const files = `${base}/files/${ort[1]}/${ort[2]}`;
      return send(res, 200, {
        ort: {
          name: id,
          type: m.type ?? 'object-detection',
          ...(m.modelType ? { modelType: m.modelType } : {}),
          model: `${files}/weights.onnx?X-Signature=abc`,
          environment: `${files}/environment.json?X-Signature=abc`,
          classes: m.classes ?? [],
          colors: m.colors ?? {},
          ...(m.keypointsMetadata !== undefined ? { keypoints_metadata: m.keypointsMetadata } : {}),
        },
      });
    }

    const file = /^\/files\/([^/]+)\/([^/]+)\/(weights\.onnx|environment\.json)$/.exec(u.pathname);
    if (file) {
      const m = opts.models[`${decodeURIComponent(file[1])}/${decodeURIComponent(file[2])}`];
      if (!m) return send(res, 404, 'not found', 'text/plain');
      if (file[3] === 'weights.onnx') {
        const bytes = m.onnxBytes ?? (m.onnxPath ? readFileSync(m.onnxPath) : undefined);
        if (!bytes) return send(res, 404, 'no weights', 'text/plain');
        return send(res, 200, bytes, 'application/octet-stream');
      }
      const env = m.environment ?? {
        PREPROCESSING: { resize: { enabled: true, width: 640, height: 640, format: 'Stretch to' } },
      };
      return send(res, 200, typeof env === 'string' ? env : JSON.stringify(env));
    }
    send(res, 404, { error: { message: 'unknown route', status: 404 } });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    apiKey,
    requests,
    log,
    total: () => log.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
