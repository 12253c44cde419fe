import { describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import type { ModelManifest } from '../manifest/types.js';
import { resolveDetectionParams } from '../postprocess/params.js';
import { OnnxSession } from '../runtime/onnx-session.js';
import type { TensorData } from '../runtime/types.js';
import { yoloxAnchorCount, yoloxGrid, yoloxHead } from './yolox.js';

async function run(
  outputs: Record<string, { dims: number[]; data: number[] }>,
): Promise<Record<string, TensorData>> {
  const session = await OnnxSession.create(
    constantOutputModel({ name: 'images', shape: [1, 3, 4, 4] }, outputs),
  );
  try {
    return await session.run({ images: { data: new Float32Array(48), dims: [1, 3, 4, 4] } });
  } finally {
    await session.dispose();
  }
}

const manifest = (options?: Record<string, unknown>): ModelManifest => ({
  task: 'object-detection',
  family: 'yolox',
  weights: 'model.onnx',
  input: { width: 64, height: 64, resize: 'letterbox', padAlign: 'top-left' },
  classes: ['cat', 'dog'],
  ...(options ? { options } : {}),
});

describe('yolox grid', () => {
  it('lays anchors out stride by stride, row by row', () => {
    expect(yoloxAnchorCount(416, 416, [8, 16, 32])).toBe(3549);
    const g = yoloxGrid(64, 32, [8, 16, 32]); // 8×4 + 4×2 + 2×1 = 42
    expect(g.stride.length).toBe(42);
    expect([g.gridX[9], g.gridY[9], g.stride[9]]).toEqual([1, 1, 8]);
    expect([g.gridX[32 + 5], g.gridY[32 + 5], g.stride[32 + 5]]).toEqual([1, 1, 16]);
    expect([g.gridX[41], g.gridY[41], g.stride[41]]).toEqual([1, 0, 32]);
  });
});

describe('yolox head', () => {
  // 64×64 input: 64 anchors at stride 8, 16 at stride 16, 4 at stride 32 = 84.
  const n = 84;
  const rows = Array.from({ length: n }, () => [0, 0, 0, 0, 0, 0, 0]);
  rows[2 * 8 + 3] = [0.5, 0.25, 0, Math.log(2), 0.9, 1, 0]; // stride 8, cell (3, 2)
  rows[64 + 2 * 4 + 1] = [0.5, 0.5, 0, 0, 0.8, 0, 1]; // stride 16, cell (1, 2)
  rows[80 + 1 * 2 + 1] = [0, 0, 0, 0, 0.7, 1, 0]; // stride 32, cell (1, 1)

  it('decodes grid offsets, exp sizes and strides at non-zero cells of each stride', async () => {
    const outputs = await run({ output: { dims: [1, n, 7], data: rows.flat() } });
    const m = manifest();
    yoloxHead.validate([{ name: 'output', type: 'float32', shape: [1, n, 7] }], m);
    const [d] = yoloxHead.decode(outputs, 1, {
      manifest: m,
      params: resolveDetectionParams(),
      inputWidth: 64,
      inputHeight: 64,
    });
    // cx = (0.5 + 3) * 8 = 28, cy = (0.25 + 2) * 8 = 18, w = 8, h = 2 * 8 = 16
    expect(Array.from(d.xyxy.subarray(0, 4)).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([24, 10, 32, 26]);
    // cx = (0.5 + 1) * 16 = 24, cy = (0.5 + 2) * 16 = 40, w = h = 16; cx = cy = 32, w = h = 32
    expect(Array.from(d.xyxy.subarray(4))).toEqual([16, 32, 32, 48, 16, 16, 48, 48]);
    expect(Array.from(d.confidence)).toEqual([0.9, 0.8, 0.7].map(Math.fround));
    expect(Array.from(d.classId)).toEqual([0, 1, 0]);
  });

  it('reads strides from manifest.options.strides', async () => {
    // strides [16, 32] over 64×64: 16 + 4 = 20 anchors; anchor 16 + 3 is stride 32, cell (1, 1).
    const r = Array.from({ length: 20 }, () => [0, 0, 0, 0, 0, 0, 0]);
    r[5] = [0, 0, 0, 0, 0.9, 1, 0]; // stride 16, cell (1, 1)
    r[19] = [0.5, 0.5, 0, 0, 0.9, 0, 1]; // stride 32, cell (1, 1)
    const outputs = await run({ output: { dims: [1, 20, 7], data: r.flat() } });
    const m = manifest({ strides: [16, 32] });
    yoloxHead.validate([{ name: 'output', type: 'float32', shape: [1, 20, 7] }], m);
    const [d] = yoloxHead.decode(outputs, 1, {
      manifest: m,
      params: resolveDetectionParams(),
      inputWidth: 64,
      inputHeight: 64,
    });
    expect(Array.from(d.xyxy)).toEqual([8, 8, 24, 24, 32, 32, 64, 64]);
  });

  it('validate() rejects an anchor count that does not fit input size and strides', () => {
    const info = [{ name: 'output', type: 'float32' as const, shape: [1, 85, 7] }];
    expect(() => yoloxHead.validate(info, manifest())).toThrow(
      /expects 84 anchors for a 64×64 input with strides 8\/16\/32/,
    );
    expect(() => yoloxHead.validate(info, manifest({ strides: [8, 0] }))).toThrow(/options.strides must be/);
    expect(() => yoloxHead.validate(info, manifest({ strides: 'x' }))).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_MODEL_FAMILY' }),
    );
  });
});
