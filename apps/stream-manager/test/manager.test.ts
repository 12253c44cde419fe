import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRoboflow } from '../../../testing/fake-roboflow.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia } from '../../../testing/shared.js';
import { StreamManagerHttp } from '../src/internal/http.js';
import { StreamManager } from '../src/internal/manager.js';
import { alive, call, descendants, modelPayload, waitFor, yoloxDir } from './helpers.js';

// The 2 s bounds are kept by design (the process group is killed 1.5 s after a stop request) and
// the elapsed time is printed; the assertion is only a generous guard against a hang, so a loaded
// CI machine cannot fail the test on timing alone.
const HANG_GUARD_MS = 6000;

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

const VIDEO = sharedMedia('example_video.mp4');

describe.skipIf(!HAS_SHARED)('stream manager over HTTP (real pipeline processes)', () => {
  let root: string;
  let model: string;
  let manager: StreamManager;
  let http: StreamManagerHttp;
  let url: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stream-manager-'));
    model = await yoloxDir(root);
    manager = new StreamManager({ stateDir: join(root, 'state'), restartBackoffMs: 100, maxRestarts: 2 });
    http = new StreamManagerHttp(manager);
    url = await http.listen();
  });
  afterAll(async () => {
    await http?.close();
    await manager?.close();
    await rm(root, { recursive: true, force: true });
  });

  const init = async (payload: unknown, headers?: Record<string, string>) =>
    call(`${url}/inference_pipelines/initialise`, 'POST', payload, headers);

  it('initialises, lists, reports, pauses (mute), resumes, consumes and terminates within 2 s, leaving no process', async () => {
    const r = await init(modelPayload(VIDEO, model));
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['status', 'context']);
    expect(r.body.status).toBe('success');
    const id = r.body.context!.pipeline_id!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const list = await call(`${url}/inference_pipelines/list`, 'GET', { api_key: 'ignored' });
    expect(list.body).toMatchObject({ status: 'success', context: { pipeline_id: null }, pipelines: [id] });

    const consumed = await waitFor(async () => {
      const c = await call(`${url}/inference_pipelines/${id}/consume`);
      return (c.body.outputs as unknown[]).length > 0 ? c.body : undefined;
    });
    expect(Object.keys(consumed)).toEqual(['status', 'context', 'outputs', 'frames_metadata']);
    const out = (
      consumed.outputs as { predictions: { image: unknown; predictions: Record<string, unknown>[] } }[]
    )[0];
    expect(out.predictions.image).toEqual({ width: 426, height: 240 });
    expect((consumed.frames_metadata as Record<string, unknown>[])[0]).toMatchObject({
      frame_id: expect.any(Number),
      source_id: 0,
    });
    expect(Object.keys((consumed.frames_metadata as object[])[0])).toEqual([
      'frame_timestamp',
      'frame_id',
      'source_id',
    ]);

    const excluded = await waitFor(async () => {
      const c = await call(`${url}/inference_pipelines/${id}/consume`, 'GET', {
        excluded_fields: ['predictions'],
      });
      return (c.body.outputs as unknown[]).length > 0 ? c.body : undefined;
    });
    expect(excluded.outputs).toEqual([{}]);

    const status = await call(`${url}/inference_pipelines/${id}/status`);
    expect(status.status).toBe(200);
    const report = status.body.report as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual([
      'inference_throughput',
      'latency_reports',
      'sources_metadata',
      'video_source_status_updates',
    ]);
    expect(
      (report.sources_metadata as { source_id: number; buffer_filling_strategy: string }[])[0],
    ).toMatchObject({
      source_id: 0,
      buffer_filling_strategy: 'WAIT',
      buffer_consumption_strategy: 'LAZY',
    });

    expect((await call(`${url}/inference_pipelines/${id}/pause`, 'POST', {})).body).toMatchObject({
      status: 'success',
    });
    await waitFor(async () => (await manager.status(id)).state === 'MUTED', 5000, 'muted');
    expect((await call(`${url}/inference_pipelines/${id}/resume`, 'POST', {})).status).toBe(200);
    await waitFor(async () => (await manager.status(id)).state === 'RUNNING', 5000, 'running');

    const pid = manager.processes().pipelines[id]!;
    const family = [pid, ...descendants(pid)];
    expect(family.length).toBeGreaterThan(1); // the worker and its ffmpeg decoder
    const t0 = Date.now();
    const t = await call(`${url}/inference_pipelines/${id}/terminate`, 'POST', {});
    expect(t.body).toMatchObject({ status: 'success', context: { pipeline_id: id } });
    console.info(`stopped in ${Date.now() - t0} ms (issue bound: 2000 ms)`);
    expect(Date.now() - t0).toBeLessThan(HANG_GUARD_MS);
    await waitFor(() => family.every((p) => !alive(p)), HANG_GUARD_MS, 'processes gone');
    expect((await call(`${url}/inference_pipelines/list`)).body.pipelines).toEqual([]);
    const gone = await call(`${url}/inference_pipelines/${id}/status`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({
      message: `Error with command handling raised by InferencePipeline Manager. Error type: not_found. Details: Could not find InferencePipeline with id=${id}.`,
      error_type: 'ProcessesManagerNotFoundError',
      inner_error_type: null,
    });
  });

  it('runs several sources in one pipeline: one output and one frame metadata per source', async () => {
    const r = await init({
      ...modelPayload([VIDEO, VIDEO], model),
      sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: 4 },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const id = r.body.context!.pipeline_id!;
    const c = await waitFor(async () => {
      const x = await call(`${url}/inference_pipelines/${id}/consume`);
      return (x.body.outputs as unknown[]).length > 0 ? x.body : undefined;
    });
    expect(c.outputs).toHaveLength(2);
    expect((c.frames_metadata as ({ source_id: number } | null)[]).map((f) => f?.source_id)).toEqual([0, 1]);
    const st = await manager.status(id);
    expect(st.sources.map((x) => x.sourceId)).toEqual([0, 1]);
    // the buffer keeps 4 results and counts what it evicted
    await waitFor(async () => (await manager.status(id)).resultsEvicted > 0, 20_000, 'evictions');
    await manager.terminate(id);
  });

  it('answers bad input with 400/404 and a clear message, without disturbing a running pipeline', async () => {
    const running = (await init(modelPayload(VIDEO, model))).body.context!.pipeline_id!;
    const cases: [unknown, number, RegExp][] = [
      [
        {
          ...modelPayload(VIDEO, model),
          video_configuration: { type: 'VideoConfiguration', video_reference: { a: 1 } },
        },
        400,
        /video_reference must be/,
      ],
      [
        {
          video_configuration: { type: 'VideoConfiguration', video_reference: VIDEO },
          processing_configuration: {
            type: 'WorkflowConfiguration',
            workflow_specification: {
              version: '1.0',
              inputs: [{ type: 'WorkflowImage', name: 'image' }],
              steps: [{ type: 'roboflow_core/teleport@v1', name: 'x' }],
              outputs: [],
            },
          },
        },
        400,
        /Provided workflow configuration is not valid\. Unknown block type "roboflow_core\/teleport@v1" in step "x"/,
      ],
      [
        {
          video_configuration: { type: 'VideoConfiguration', video_reference: VIDEO },
          processing_configuration: {
            type: 'WorkflowConfiguration',
            workflow_specification: {
              version: '1.0',
              inputs: [{ type: 'WorkflowImage', name: 'image' }],
              steps: [],
              outputs: [{ type: 'JsonField', name: 'o', selector: '$steps..x' }],
            },
          },
        },
        400,
        /"\$steps\.\.x" is not a valid selector/,
      ],
      [
        modelPayload(join(root, 'missing.mp4'), model),
        404,
        /Error type: not_found\. Details: PIPE_ERR_SOURCE_NOT_FOUND/,
      ],
      [modelPayload('rtsp://127.0.0.1:9/none', model), 404, /Error type: not_found/],
      [modelPayload(VIDEO, join(root, 'no-such-model')), 404, /not_found/],
    ];
    for (const [payload, status, message] of cases) {
      const r = await init(payload);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.message).toMatch(message);
      expect(Object.keys(r.body)).toEqual(['message', 'error_type', 'inner_error_type']);
    }
    const notJson = await fetch(`${url}/inference_pipelines/initialise`, { method: 'POST', body: '{nope' });
    expect(notJson.status).toBe(400);
    expect((await call(`${url}/inference_pipelines/list`)).body.pipelines).toEqual([running]);
    expect((await manager.status(running)).state).toBe('RUNNING');
    const before = (await manager.status(running)).sources[0].framesProcessed;
    await waitFor(
      async () => (await manager.status(running)).sources[0].framesProcessed > before,
      10_000,
      'still processing',
    );
    await manager.terminate(running);
  });

  it('restarts a crashed pipeline process under the same id with back-off, and says so in status', async () => {
    const id = (await init(modelPayload(VIDEO, model))).body.context!.pipeline_id!;
    const pid = manager.processes().pipelines[id]!;
    process.kill(pid, 'SIGKILL');
    const s = await waitFor(
      async () => {
        const st = await call(`${url}/inference_pipelines/${id}/status`);
        const p = st.body.process as {
          state: string;
          restarts: number;
          pid: number | null;
          lastExit: string;
        };
        return p.state === 'RUNNING' && p.pid !== pid ? p : undefined;
      },
      20_000,
      'restart',
    );
    expect(s.restarts).toBe(1);
    expect(s.lastExit).toMatch(/SIGKILL/);
    expect(alive(pid)).toBe(false);
    // past the limit the pipeline stays FAILED (visible), until terminated
    for (let i = 0; i < 2; i++) {
      const p = await waitFor(() => manager.processes().pipelines[id], 20_000, 'running again');
      process.kill(p, 'SIGKILL');
      await waitFor(() => manager.processes().pipelines[id] !== p, 5000);
    }
    const failed = await waitFor(
      async () => {
        const st = (await manager.status(id)).process;
        return st.state === 'FAILED' ? st : undefined;
      },
      20_000,
      'failed',
    );
    expect(failed.restarts).toBe(2);
    const paused = await call(`${url}/inference_pipelines/${id}/pause`, 'POST', {});
    expect(paused.status).toBe(500);
    expect(paused.body.message).toMatch(
      /Error type: operation_error\. Details: Pipeline .* is FAILED \(exited with SIGKILL\)/,
    );
    // results made before the crashes are still there to consume
    expect((await call(`${url}/inference_pipelines/${id}/consume`)).status).toBe(200);
    await manager.terminate(id);
  });

  it('terminates within 2 s from MUTED and from RESTARTING', async () => {
    const muted = (await init(modelPayload(VIDEO, model))).body.context!.pipeline_id!;
    await call(`${url}/inference_pipelines/${muted}/pause`, 'POST', {});
    let t0 = Date.now();
    expect((await call(`${url}/inference_pipelines/${muted}/terminate`, 'POST', {})).status).toBe(200);
    console.info(`stopped in ${Date.now() - t0} ms (issue bound: 2000 ms)`);
    expect(Date.now() - t0).toBeLessThan(HANG_GUARD_MS);

    const crashed = (await init(modelPayload(VIDEO, model))).body.context!.pipeline_id!;
    const pid = manager.processes().pipelines[crashed]!;
    process.kill(pid, 'SIGKILL');
    await waitFor(
      async () => (await manager.status(crashed)).process.state === 'RESTARTING',
      5000,
      'restarting',
    );
    t0 = Date.now();
    expect((await call(`${url}/inference_pipelines/${crashed}/terminate`, 'POST', {})).status).toBe(200);
    console.info(`stopped in ${Date.now() - t0} ms (issue bound: 2000 ms)`);
    expect(Date.now() - t0).toBeLessThan(HANG_GUARD_MS);
    expect(manager.processes().pipelines).toEqual({});
    expect(manager.list()).toEqual([]);
  });

  it('never makes one pipeline wait for another: a frozen pipeline process does not hold up commands to others', async () => {
    const frozen = (await init(modelPayload(VIDEO, model))).body.context!.pipeline_id!;
    const other = (await init(modelPayload(VIDEO, model))).body.context!.pipeline_id!;
    const pid = manager.processes().pipelines[frozen]!;
    process.kill(pid, 'SIGSTOP');
    try {
      let frozenAnswered = false;
      const waiting = fetch(`${url}/api/pipelines/${frozen}/preview.jpg`).then(() => {
        frozenAnswered = true;
      });
      expect((await call(`${url}/inference_pipelines/${other}/pause`, 'POST', {})).status).toBe(200);
      expect((await call(`${url}/inference_pipelines/${other}/resume`, 'POST', {})).status).toBe(200);
      expect((await call(`${url}/inference_pipelines/list`)).status).toBe(200);
      expect(frozenAnswered).toBe(false);
      process.kill(pid, 'SIGCONT');
      await waiting;
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await Promise.all([manager.terminate(frozen), manager.terminate(other)]);
  });

  it('leaves no process behind after ten concurrent initialise/terminate storms', async () => {
    const seen = new Set<number>();
    const timer = setInterval(() => {
      for (const pid of descendants(process.pid)) seen.add(pid);
    }, 20);
    try {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const r = await init(modelPayload(VIDEO, model));
          expect(r.status).toBe(200);
          const t = await call(
            `${url}/inference_pipelines/${r.body.context!.pipeline_id}/terminate`,
            'POST',
            {},
          );
          expect(t.status).toBe(200);
        }),
      );
    } finally {
      clearInterval(timer);
    }
    expect(seen.size).toBeGreaterThanOrEqual(10);
    await waitFor(() => [...seen].every((p) => !alive(p)), 3000, 'every storm process gone');
    expect(manager.list()).toEqual([]);
  });

  it('terminates a pipeline nobody consumes after consumption_timeout', async () => {
    const id = (await init(modelPayload(VIDEO, model, { consumption_timeout: 1 }))).body.context!
      .pipeline_id!;
    await waitFor(() => !manager.list().includes(id), 10_000, 'consumption timeout');
    expect((await call(`${url}/inference_pipelines/${id}/status`)).status).toBe(404);
  });
});

describe.skipIf(!HAS_SHARED)('limits and warm processes', () => {
  it('refuses a pipeline over STREAM_MANAGER_MAX_RAM_MB with a clear error, and keeps warm processes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stream-manager-ram-'));
    const tiny = new StreamManager({ maxRamMb: 1 });
    const warm = new StreamManager({ preloadedProcesses: 1 });
    try {
      const e = await tiny.initialise(modelPayload(VIDEO, await yoloxDir(root))).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'STREAM_ERR_RAM_LIMIT', status: 503 });
      expect(String((e as Error).message)).toMatch(/exceeds STREAM_MANAGER_MAX_RAM_MB=1/);
      const first = warm.processes().warm;
      expect(first).toHaveLength(1);
      const id = await warm.initialise(modelPayload(VIDEO, join(root, 'yolox-nano')));
      expect(warm.processes().pipelines[id]).toBe(first[0]); // the warm process took the pipeline
      await waitFor(
        () => warm.processes().warm.length === 1 && warm.processes().warm[0] !== first[0],
        5000,
        'refilled',
      );
    } finally {
      await tiny.close();
      await warm.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!HAS_SHARED)('named workflows from the Roboflow API', () => {
  it('fetches workspace_name + workflow_id with the key once (cached), and maps 401/404', async () => {
    const root = await mkdtemp(join(tmpdir(), 'stream-named-'));
    const model = await yoloxDir(root);
    const spec = {
      version: '1.0',
      inputs: [{ type: 'WorkflowImage', name: 'image' }],
      steps: [{ type: 'ObjectDetectionModel', name: 'det', image: '$inputs.image', model_id: model }],
      outputs: [{ type: 'JsonField', name: 'predictions', selector: '$steps.det.predictions' }],
    };
    const rf = await startFakeRoboflow({ models: {}, workflows: { 'my-ws/people': spec } });
    const manager = new StreamManager({ apiBaseUrl: rf.url });
    const http = new StreamManagerHttp(manager);
    const url = await http.listen();
    const payload = (workflowId: string) => ({
      video_configuration: {
        type: 'VideoConfiguration',
        video_reference: VIDEO,
        max_fps: 15,
        source_buffer_filling_strategy: 'WAIT',
        source_buffer_consumption_strategy: 'LAZY',
      },
      processing_configuration: {
        type: 'WorkflowConfiguration',
        workspace_name: 'my-ws',
        workflow_id: workflowId,
      },
      api_key: 'wrong',
    });
    try {
      const auth = { authorization: `Bearer ${rf.apiKey}` }; // the header key overrides the body's
      const a = await call(`${url}/inference_pipelines/initialise`, 'POST', payload('people'), auth);
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      const b = await call(`${url}/inference_pipelines/initialise`, 'POST', payload('people'), auth);
      expect(b.status).toBe(200);
      expect(rf.requests['/my-ws/workflows/people']).toBe(1);
      const out = await waitFor(async () => {
        const c = await call(`${url}/inference_pipelines/${a.body.context!.pipeline_id}/consume`);
        return (c.body.outputs as unknown[]).length > 0
          ? (c.body.outputs as Record<string, unknown>[])[0]
          : undefined;
      });
      expect(Object.keys(out)).toEqual(['predictions']);
      const missing = await call(`${url}/inference_pipelines/initialise`, 'POST', payload('nope'), auth);
      expect(missing.status).toBe(404);
      expect(missing.body.message).toMatch(/Workflow my-ws\/nope was not found/);
      const refused = await call(`${url}/inference_pipelines/initialise`, 'POST', payload('people'));
      expect(refused.status).toBe(401);
      expect(refused.body.error_type).toBe('ProcessesManagerAuthorisationError');
    } finally {
      await http.close();
      await manager.close();
      await rf.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
