import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, commandOf, descendants } from '../../../testing/processes.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, yoloxDir } from '../../../testing/shared.js';
import { buildServer } from '../src/internal/server.js';
import { freePort } from './redis-helpers.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

/** node:http so that a GET may carry a JSON body, as Roboflow's Python client sends. */
function call(
  url: string,
  method = 'GET',
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = { text };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('timed out');
}

/** Pids of this process's descendants whose command line contains `needle`. */
function descendantsMatching(needle: string): number[] {
  return descendants(process.pid).filter((p) => commandOf(p).includes(needle));
}

describe.skipIf(!HAS_SHARED)(
  'ENABLE_STREAM_API: /inference_pipelines/* and /streams through the stream manager process',
  () => {
    let root: string;
    let model: string;
    let app: FastifyInstance;
    let url: string;

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'server-stream-api-'));
      model = await yoloxDir(root);
      app = await buildServer({
        logger: false,
        streamApi: {
          process: { port: 0, restartBackoffMs: 100, env: { STREAM_MANAGER_STATE_DIR: join(root, 'state') } },
        },
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      await app?.close();
      await rm(root, { recursive: true, force: true });
    });

    it('serves the Roboflow routes (GET bodies included) and the console', async () => {
      const list = await call(`${url}/inference_pipelines/list`, 'GET', { api_key: 'k' });
      expect(list.status, JSON.stringify(list.body)).toBe(200);
      expect(list.body).toMatchObject({ status: 'success', context: { pipeline_id: null }, pipelines: [] });
      const init = await call(`${url}/inference_pipelines/initialise`, 'POST', {
        video_configuration: {
          type: 'VideoConfiguration',
          video_reference: sharedMedia('example_video.mp4'),
          max_fps: 15,
          source_buffer_filling_strategy: 'WAIT',
          source_buffer_consumption_strategy: 'LAZY',
        },
        processing_configuration: { type: 'ModelConfiguration', model_id: model },
      });
      expect(init.status, JSON.stringify(init.body)).toBe(200);
      const id = (init.body.context as { pipeline_id: string }).pipeline_id;
      const consumed = await waitFor(async () => {
        const c = await call(`${url}/inference_pipelines/${id}/consume`, 'GET', {
          excluded_fields: ['predictions'],
        });
        return (c.body.outputs as unknown[]).length > 0 ? c.body : undefined;
      });
      expect(consumed.outputs).toEqual([{}]);
      const bad = await call(`${url}/inference_pipelines/initialise`, 'POST', { video_configuration: {} });
      expect(bad.status).toBe(400);
      expect(bad.body.error_type).toBe('ProcessesManagerInvalidPayload');

      const redirect = await call(`${url}/streams`);
      expect(redirect.status).toBe(302);
      expect(redirect.headers.location).toBe('/streams/');
      const page = await call(`${url}/streams/`);
      expect(String(page.body.text)).toContain('<title>Inference TS · streams</title>');
      const rows = await call(`${url}/streams/api/pipelines`);
      expect((rows.body.pipelines as { pipelineId: string }[]).map((p) => p.pipelineId)).toEqual([id]);
      expect((await call(`${url}/inference_pipelines/${id}/terminate`, 'POST', {})).status).toBe(200);
    });

    it('keeps serving when the manager crashes, answers 503 meanwhile, and recovers', async () => {
      const [pid] = descendantsMatching('stream-manager/src/bin.ts');
      expect(pid).toBeGreaterThan(0);
      process.kill(pid, 'SIGKILL');
      const down = await waitFor(async () => {
        const r = await call(`${url}/inference_pipelines/list`);
        return r.status === 503 ? r : undefined;
      }, 5000);
      expect(down.body).toMatchObject({ error_type: 'ProcessesManagerInternalError' });
      expect((await call(`${url}/healthz`)).status).toBe(200);
      await waitFor(async () => (await call(`${url}/inference_pipelines/list`)).status === 200);
      expect(descendantsMatching('stream-manager/src/bin.ts')).not.toContain(pid);
    });
  },
);

describe.skipIf(!HAS_SHARED)('a server crash', () => {
  it('leaves the manager and its pipelines running; the next server adopts the manager and stops it on close', async () => {
    const root = await mkdtemp(join(tmpdir(), 'server-stream-crash-'));
    const managerPort = await freePort();
    const server = spawn(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        import.meta.resolve('tsx'),
        fileURLToPath(new URL('./stream-server-fixture.ts', import.meta.url)),
        String(managerPort),
        join(root, 'state'),
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let app: FastifyInstance | undefined;
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stdout! }).on('line', (l) => {
          const m = /^ready (\S+)/.exec(l);
          if (m) resolve(m[1]);
        });
        server.once('exit', (c) => reject(new Error(`server exited ${c}`)));
      });
      const init = await call(`${url}/inference_pipelines/initialise`, 'POST', {
        video_configuration: {
          type: 'VideoConfiguration',
          video_reference: sharedMedia('example_video.mp4'),
          max_fps: 10,
          source_buffer_filling_strategy: 'WAIT',
          source_buffer_consumption_strategy: 'LAZY',
        },
        processing_configuration: { type: 'ModelConfiguration', model_id: await yoloxDir(root) },
      });
      expect(init.status, JSON.stringify(init.body)).toBe(200);
      const id = (init.body.context as { pipeline_id: string }).pipeline_id;
      const managerUrl = `http://127.0.0.1:${managerPort}`;
      const managerPid = (await call(`${managerUrl}/healthz`)).body.pid as number;

      server.kill('SIGKILL');
      await new Promise((r) => server.once('exit', r));
      // the manager and its pipeline keep running without the server
      expect((await call(`${managerUrl}/inference_pipelines/list`)).body.pipelines).toEqual([id]);
      const workers = descendants(managerPid);
      expect(workers.length).toBeGreaterThan(0);

      app = await buildServer({ logger: false, streamApi: { process: { port: managerPort } } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const url2 = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      expect((await call(`${url2}/inference_pipelines/list`)).body.pipelines).toEqual([id]);
      expect((await call(`${managerUrl}/healthz`)).body.pid).toBe(managerPid); // adopted, not replaced
      await app.close();
      app = undefined;
      await waitFor(() => [managerPid, ...workers].every((p) => !alive(p)) || undefined, 8000);
    } finally {
      server.kill('SIGKILL');
      await app?.close();
      // the manager outlives a killed server by design: stop it here if the test ended early
      const left = await call(`http://127.0.0.1:${managerPort}/healthz`).catch(() => undefined);
      if (typeof left?.body.pid === 'number') process.kill(left.body.pid, 'SIGTERM');
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('servers starting together (SERVER_PROCESSES=N)', () => {
  it('share one manager on the configured port: the one that loses the race adopts it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'server-stream-race-'));
    const managerPort = await freePort();
    const streamApi = {
      process: { port: managerPort, env: { STREAM_MANAGER_STATE_DIR: join(root, 'state') } },
    };
    const apps: FastifyInstance[] = [];
    try {
      const built = await Promise.allSettled([0, 1].map(() => buildServer({ logger: false, streamApi })));
      for (const b of built) if (b.status === 'fulfilled') apps.push(b.value);
      expect(built.map((b) => (b.status === 'rejected' ? String(b.reason) : 'ok'))).toEqual(['ok', 'ok']);
      const pids = new Set<number>();
      for (const app of apps) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
        expect((await call(`${url}/inference_pipelines/list`)).status).toBe(200);
      }
      pids.add((await call(`http://127.0.0.1:${managerPort}/healthz`)).body.pid as number);
      expect(descendantsMatching('stream-manager/src/bin.ts').filter((p) => !pids.has(p))).toEqual([]);
    } finally {
      await Promise.all(apps.map((a) => a.close()));
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('without ENABLE_STREAM_API', () => {
  it('still answers 501 for /inference_pipelines/*', async () => {
    const app = await buildServer({ logger: false });
    try {
      const r = await app.inject({ method: 'GET', url: '/inference_pipelines/list' });
      expect(r.statusCode).toBe(501);
      expect((await app.inject({ method: 'GET', url: '/streams/' })).statusCode).not.toBe(200);
    } finally {
      await app.close();
    }
  });
});
