/**
 * A local stand-in for the Roboflow API, speaking its wire format for
 * `GET /ort/{dataset}/{version}` and serving the weight and environment URLs
 * it hands out, so registry, engine and server tests run offline. With
 * `activeLearning`, it also speaks the active learning wire: the key's
 * workspace, project types, per-project AL configs, image upload (content
 * duplicates answer `duplicate: true`) and annotate (409 when annotated).
 */
import { createHash } from 'node:crypto';
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

/** An image the fake holds after an upload. */
export interface FakeUpload {
  id: string;
  dataset: string;
  name: string;
  batch?: string;
  tags: string[];
  inferenceId?: string;
  sha256: string;
  bytes: Uint8Array;
}

/** An annotation the fake holds. */
export interface FakeAnnotation {
  dataset: string;
  imageId: string;
  name: string;
  prediction: boolean;
  body: string;
}

export interface FakeActiveLearningOptions {
  /** Workspace of the API key (default 'test-workspace'). */
  workspace?: string;
  /** Projects of that workspace: type (default 'object-detection') and the stored AL config (`{config}` body). */
  projects?: Record<string, { type?: string; config?: unknown }>;
}

/** The fake's active learning state, mutable by tests. */
export interface FakeActiveLearning {
  /** Images per dataset, in upload order. */
  uploads: FakeUpload[];
  annotations: FakeAnnotation[];
  /** Upload and annotate answer 503 while true (the target is down). */
  down: boolean;
  /** Milliseconds each upload waits before answering (after the image is stored). */
  uploadDelayMs: number;
  /** Upload requests received (duplicates and refusals included). */
  uploadRequests: number;
  /** Called when an upload is received, before the delay (e.g. to kill the uploader). */
  onUpload?: (u: FakeUpload) => void;
}

export interface FakeRoboflowOptions {
  /** `'dataset/version'` -> model. */
  models: Record<string, FakeRoboflowModel>;
  /** Serve the active learning endpoints. */
  activeLearning?: FakeActiveLearningOptions;
  /** The accepted API key (default 'test-key'). */
  apiKey?: string;
  /**
   * `'workspace/workflow_id'` -> workflow specification, served as Roboflow does at
   * `GET /{workspace}/workflows/{workflow_id}`: `{"workflow": {"config": "<JSON string with specification>"}}`.
   */
  workflows?: Record<string, unknown>;
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
  /** Active learning state (uploads, annotations, outage switch). */
  al: FakeActiveLearning;
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
  const al: FakeActiveLearning = {
    uploads: [],
    annotations: [],
    down: false,
    uploadDelayMs: 0,
    uploadRequests: 0,
  };
  const alOpts = opts.activeLearning;
  const projects = new Map(Object.entries(alOpts?.projects ?? {}).map(([k, v]) => [k, { ...v }]));
  const workspace = alOpts?.workspace ?? 'test-workspace';
  // Sends and reports the route as handled.
  const answer = (res: ServerResponse, status: number, body: unknown): true => {
    send(res, status, body);
    return true;
  };
  const unauthorized = (res: ServerResponse) =>
    answer(res, 401, {
      error: {
        message: 'This API key does not exist (or has been revoked).',
        status: 401,
        type: 'OAuthException',
      },
    });
  const readBody = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  /** The active learning routes; false when the path is not one of them. */
  const handleAl = async (req: IncomingMessage, res: ServerResponse, u: URL): Promise<boolean> => {
    if (!alOpts) return false;
    const keyOk = u.searchParams.get('api_key') === apiKey;
    const upload = /^\/dataset\/([^/]+)\/upload$/.exec(u.pathname);
    if (upload && req.method === 'POST') {
      al.uploadRequests++;
      const body = await readBody(req);
      if (!keyOk) return unauthorized(res);
      if (al.down) return answer(res, 503, { error: { message: 'Service Unavailable', status: 503 } });
      const form = await new Response(new Uint8Array(body), {
        headers: { 'content-type': String(req.headers['content-type'] ?? '') },
      }).formData();
      const file = form.get('file');
      if (!(file instanceof Blob)) return answer(res, 400, { error: { message: 'file is required' } });
      const bytes = new Uint8Array(await file.arrayBuffer());
      const dataset = decodeURIComponent(upload[1]);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const dup = al.uploads.find((x) => x.dataset === dataset && x.sha256 === sha256);
      if (dup) return answer(res, 200, { duplicate: true, id: dup.id });
      const rec: FakeUpload = {
        id: `img${al.uploads.length + 1}_${sha256.slice(0, 8)}`,
        dataset,
        name: String(form.get('name') ?? ''),
        tags: u.searchParams.getAll('tag'),
        sha256,
        bytes,
        ...(u.searchParams.get('batch') ? { batch: u.searchParams.get('batch') as string } : {}),
        ...(u.searchParams.get('inference_id')
          ? { inferenceId: u.searchParams.get('inference_id') as string }
          : {}),
      };
      al.uploads.push(rec);
      al.onUpload?.(rec);
      if (al.uploadDelayMs > 0) await new Promise((r) => setTimeout(r, al.uploadDelayMs));
      return answer(res, 200, { success: true, id: rec.id });
    }
    const annotate = /^\/dataset\/([^/]+)\/annotate\/([^/]+)$/.exec(u.pathname);
    if (annotate && req.method === 'POST') {
      const body = (await readBody(req)).toString('utf8');
      if (!keyOk) return unauthorized(res);
      if (al.down) return answer(res, 503, { error: { message: 'Service Unavailable', status: 503 } });
      const dataset = decodeURIComponent(annotate[1]);
      const imageId = decodeURIComponent(annotate[2]);
      if (!al.uploads.some((x) => x.id === imageId && x.dataset === dataset))
        return answer(res, 404, { error: { message: 'image not found', status: 404 } });
      if (al.annotations.some((a) => a.imageId === imageId && a.dataset === dataset))
        return answer(res, 409, { error: { message: 'Image already annotated.', status: 409 } });
      al.annotations.push({
        dataset,
        imageId,
        name: u.searchParams.get('name') ?? '',
        prediction: u.searchParams.get('prediction') === 'true',
        body,
      });
      return answer(res, 200, { success: true });
    }
    if (u.pathname === '/' && req.method === 'GET') {
      if (!keyOk) return unauthorized(res);
      return answer(res, 200, { workspace });
    }
    const project = /^\/([^/]+)\/([^/]+)(\/active_learning)?$/.exec(u.pathname);
    if (project && decodeURIComponent(project[1]) === workspace) {
      if (!keyOk) return unauthorized(res);
      const p = projects.get(decodeURIComponent(project[2]));
      if (!p) return answer(res, 404, { error: { message: 'project not found', status: 404 } });
      if (!project[3]) return answer(res, 200, { project: { type: p.type ?? 'object-detection' } });
      if (req.method === 'POST') {
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { config?: unknown };
        p.config = body.config;
        return answer(res, 200, { success: true });
      }
      if (p.config === undefined) return answer(res, 404, { error: { message: 'no config', status: 404 } });
      return answer(res, 200, { config: p.config });
    }
    return false;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    requests[u.pathname] = (requests[u.pathname] ?? 0) + 1;
    log.push({
      method: req.method ?? 'GET',
      path: u.pathname,
      query: Object.fromEntries(u.searchParams),
      headers: req.headers,
    });

    const workflow = /^\/([^/]+)\/workflows\/([^/]+)$/.exec(u.pathname);
    if (workflow && opts.workflows) {
      if (u.searchParams.get('api_key') !== apiKey)
        return send(res, 401, {
          error: {
            message: 'This API key does not exist (or has been revoked).',
            status: 401,
            type: 'OAuthException',
          },
        });
      const spec = opts.workflows[`${decodeURIComponent(workflow[1])}/${decodeURIComponent(workflow[2])}`];
      if (spec === undefined)
        return send(res, 404, { error: { message: 'Workflow not found', status: 404 } });
      return send(res, 200, {
        workflow: { id: workflow[2], name: workflow[2], config: JSON.stringify({ specification: spec }) },
      });
    }

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
    handleAl(req, res, u).then(
      (done) => {
        if (!done) send(res, 404, { error: { message: 'unknown route', status: 404 } });
      },
      (err: unknown) => send(res, 500, { error: { message: String(err), status: 500 } }),
    );
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    apiKey,
    requests,
    log,
    al,
    total: () => log.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
