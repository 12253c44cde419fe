import { describe, expect, it } from 'vitest';
import { buildOnnxModel, constantOutputModel } from '../../../../../testing/onnx-builder.js';
import { HAS_SHARED, sharedModel } from '../../../../../testing/shared.js';
import { InferenceEngine } from '../engine.js';
import { availableProviders, OnnxSession, ortLogLevel, setOrtLogLevel } from './onnx-session.js';
import { SessionPool } from './session-pool.js';
import type { TensorData } from './types.js';

const model = () =>
  constantOutputModel({ name: 'x', shape: [1, 3, 4, 4] }, { y: { dims: [1, 2], data: [1, 2] } });

describe('OnnxSession', () => {
  it('lists cpu among the available providers', () => {
    expect(availableProviders()).toContain('cpu');
  });

  it('falls back to CPU visibly when a GPU provider is asked for and missing', async () => {
    const warnings: string[] = [];
    const s = await OnnxSession.create(model(), {
      providers: ['tensorrt', 'coreml', 'cpu'],
      onWarning: (m) => warnings.push(m),
    });
    expect(s.providers).toContain('cpu');
    expect(s.providers).not.toContain('coreml');
    expect(warnings.join('\n')).toMatch(/coreml/);
    const out = await s.run({ x: { data: new Float32Array(48), dims: [1, 3, 4, 4] } });
    expect(Array.from(out.y.data as Float32Array)).toEqual([1, 2]);
    await s.dispose();
  });

  it('a provider that is built in but cannot start gives one warning naming only that provider', async () => {
    // cuda is in the linux x64 build; without a GPU and its libraries it fails to start
    if (!availableProviders().includes('cuda')) return;
    const warnings: string[] = [];
    const s = await OnnxSession.create(model(), { providers: ['cuda'], onWarning: (m) => warnings.push(m) });
    try {
      if (s.providers.includes('cuda')) return; // a machine where CUDA works: nothing to warn about
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^execution provider cuda could not be initialised .*running on cpu instead/,
      );
      expect(warnings[0]).not.toMatch(/cuda, cpu/);
    } finally {
      await s.dispose();
    }
  });

  it("keeps ONNX Runtime's own log off unless the app's ORT_LOG_LEVEL asks for it", () => {
    const saved = process.env.ORT_LOG_LEVEL;
    try {
      expect(ortLogLevel()).toBe('fatal');
      // the core reads no environment: only what an app passes counts
      process.env.ORT_LOG_LEVEL = 'error';
      expect(ortLogLevel()).toBe('fatal');
      expect(setOrtLogLevel('Error')).toBe('error');
      expect(ortLogLevel()).toBe('error');
      expect(setOrtLogLevel('loud')).toBe('fatal');
      new InferenceEngine({ env: { ORT_LOG_LEVEL: 'warning' } });
      expect(ortLogLevel()).toBe('warning');
    } finally {
      setOrtLogLevel(undefined);
      if (saved === undefined) delete process.env.ORT_LOG_LEVEL;
      else process.env.ORT_LOG_LEVEL = saved;
    }
  });

  it('reports input and output metadata, and refuses runs after dispose', async () => {
    const s = await OnnxSession.create(model(), {
      intraOpThreads: 1,
      graphOptimization: 'basic',
      allowSpinning: false,
    });
    expect(s.inputs).toEqual([{ name: 'x', type: 'float32', shape: [1, 3, 4, 4] }]);
    expect(s.outputs[0]).toMatchObject({ name: 'y', shape: [1, 2] });
    await s.dispose();
    await expect(s.run({ x: { data: new Float32Array(48), dims: [1, 3, 4, 4] } })).rejects.toMatchObject({
      code: 'CORE_ERR_DISPOSED',
    });
  });

  it('wraps ONNX Runtime failures in typed errors', async () => {
    await expect(OnnxSession.create(new Uint8Array([1, 2, 3, 4]))).rejects.toMatchObject({
      code: 'CORE_ERR_MODEL_ARTEFACT',
    });
    const s = await OnnxSession.create(model());
    await expect(s.run({ x: { data: new Float32Array(3), dims: [1, 3, 1, 1] } })).rejects.toMatchObject({
      code: 'CORE_ERR_RUNTIME_RUN',
    });
    await s.dispose();
  });
});

describe('sessions in a worker thread', () => {
  it('run the same model with the same results, and keep the event loop free', async () => {
    const s = await OnnxSession.create(model(), { worker: true });
    expect(s.inputs).toEqual([{ name: 'x', type: 'float32', shape: [1, 3, 4, 4] }]);
    const out = await s.run({ x: { data: new Float32Array(48), dims: [1, 3, 4, 4] } });
    expect(Array.from(out.y.data as Float32Array)).toEqual([1, 2]);
    expect(out.y.dims).toEqual([1, 2]);
    await s.dispose();
    await expect(s.run({ x: { data: new Float32Array(48), dims: [1, 3, 4, 4] } })).rejects.toMatchObject({
      code: 'CORE_ERR_DISPOSED',
    });
  });

  it('take released outputs back for later runs, and copy inputs that the caller keeps', async () => {
    // y = 2x on a 192 KiB tensor: large enough for the input staging buffers
    const doubler = buildOnnxModel({
      inputs: [{ name: 'x', shape: [1, 3, 128, 128] }],
      outputs: [{ name: 'y', shape: [1, 3, 128, 128] }],
      nodes: [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['y'] }],
      initializers: [{ name: 'two', dims: [], data: [2] }],
    });
    const s = await OnnxSession.create(doubler, { worker: true });
    const pool = new SessionPool([s]);
    const n = 3 * 128 * 128;
    const input = (k: number) => Float32Array.from({ length: n }, (_, i) => (i % 97) + k);
    const check = (out: Record<string, TensorData>, k: number) => {
      const y = out.y.data as Float32Array;
      expect(y.length).toBe(n);
      for (let i = 0; i < n; i += 1001) expect(y[i]).toBe(2 * ((i % 97) + k));
    };
    for (let k = 0; k < 4; k++) {
      const x = input(k);
      const out = await pool.run({ x: { data: x, dims: [1, 3, 128, 128] } });
      check(out, k);
      expect(x.length).toBe(n); // the caller's input is neither detached nor changed
      expect(x[5]).toBe(5 + k);
      pool.release(out);
      expect(out.y.data.byteLength).toBe(0); // handed back to the worker
    }
    // more runs at once than buffers kept: each still gets its own, right result
    const outs = await Promise.all(
      [0, 1, 2, 3, 4].map((k) => s.run({ x: { data: input(k), dims: [1, 3, 128, 128] } })),
    );
    for (const [k, o] of outs.entries()) check(o, k);
    for (const o of outs) s.release?.(o);
    check(await s.run({ x: { data: input(9), dims: [1, 3, 128, 128] } }), 9);
    await pool.dispose();
  });

  it('send an input written into a lent buffer to the worker as it is (no copy), and lend it again later', async () => {
    const doubler = buildOnnxModel({
      inputs: [{ name: 'x', shape: [1, 3, 128, 128] }],
      outputs: [{ name: 'y', shape: [1, 3, 128, 128] }],
      nodes: [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['y'] }],
      initializers: [{ name: 'two', dims: [], data: [2] }],
    });
    const s = await OnnxSession.create(doubler, { worker: true });
    const pool = new SessionPool([s]);
    const n = 3 * 128 * 128;
    expect(pool.lendInput(16)).toBeUndefined(); // small inputs are cloned
    for (let k = 0; k < 4; k++) {
      const buffer = pool.lendInput(n * 4)!;
      expect(buffer.byteLength).toBe(n * 4);
      const x = new Float32Array(buffer);
      x.fill(k + 1);
      const out = await pool.run({ x: { data: x, dims: [1, 3, 128, 128] } });
      expect(buffer.byteLength).toBe(0); // it went to the worker instead of being copied
      const y = out.y.data as Float32Array;
      expect(y[0]).toBe(2 * (k + 1));
      expect(y[n - 1]).toBe(2 * (k + 1));
      pool.release(out);
    }
    // an in-thread session lends nothing (callers keep their own buffers there), nor does a
    // pool whose latency session runs in-thread
    const inThread = await OnnxSession.create(doubler);
    expect(inThread.lendInput?.(n * 4)).toBeUndefined();
    const adaptive = new SessionPool([await OnnxSession.create(doubler, { worker: true })], inThread);
    expect(adaptive.lendInput(n * 4)).toBeUndefined();
    await adaptive.dispose();
    await pool.dispose();
  });

  it.skipIf(!HAS_SHARED)(
    'detect the same objects through worker sessions (inputs in lent buffers) as in-thread',
    async () => {
      const { mkdtemp, rm } = await import('node:fs/promises');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const { yoloxDir, sharedMedia } = await import('../../../../../testing/shared.js');
      const { loadImage } = await import('../image/load-image.js');
      const root = await mkdtemp(join(tmpdir(), 'core-lend-'));
      const dir = await yoloxDir(root);
      const image = await loadImage(sharedMedia('dogs.jpg'));
      const boxes = async (worker: boolean) => {
        const engine = new InferenceEngine({ session: { intraOpThreads: 1, worker } });
        try {
          const m = await engine.getModel(dir);
          const out = [];
          for (let i = 0; i < 3; i++) out.push(await m.inferDecoded([image]));
          return JSON.stringify(
            out.map((r) => (r[0] as { detections: { xyxy: Float32Array } }).detections.xyxy),
          );
        } finally {
          await engine.dispose();
        }
      };
      try {
        const inThread = await boxes(false);
        expect(inThread.length).toBeGreaterThan(10);
        expect(await boxes(true)).toBe(inThread);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  );

  it('report ONNX Runtime failures as typed errors', async () => {
    await expect(OnnxSession.create(new Uint8Array([1, 2, 3, 4]), { worker: true })).rejects.toMatchObject({
      code: 'CORE_ERR_MODEL_ARTEFACT',
    });
    const s = await OnnxSession.create(model(), { worker: true });
    await expect(s.run({ x: { data: new Float32Array(3), dims: [1, 3, 1, 1] } })).rejects.toMatchObject({
      code: 'CORE_ERR_RUNTIME_RUN',
    });
    await s.dispose();
  });
});

describe.skipIf(!HAS_SHARED)('the event loop during an inference', () => {
  /** Timer ticks seen while one yolov8n inference runs. */
  async function ticksDuring(worker: boolean): Promise<number> {
    const s = await OnnxSession.create(sharedModel('yolov8n_int8.onnx'), { worker });
    const feeds = { images: { data: new Float32Array(3 * 640 * 640), dims: [1, 3, 640, 640] } };
    await s.run(feeds);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    await s.run(feeds);
    clearInterval(timer);
    await s.dispose();
    return ticks;
  }

  it('is blocked by an in-thread session and free with a worker session', async () => {
    expect(await ticksDuring(false)).toBe(0);
    expect(await ticksDuring(true)).toBeGreaterThan(2);
  });
});
