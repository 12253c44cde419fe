import { describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import type { ModelManifest } from '../manifest/types.js';
import { type DetectionParams, resolveDetectionParams } from '../postprocess/params.js';
import { OnnxSession } from '../runtime/onnx-session.js';
import type { TensorData } from '../runtime/types.js';
import type { HeadContext } from './types.js';
import { yolov5Head } from './yolov5.js';

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

const manifest: ModelManifest = {
  task: 'object-detection',
  family: 'yolov5',
  weights: 'model.onnx',
  input: { width: 64, height: 64, resize: 'letterbox' },
  classes: ['cat', 'dog'],
};
const ctx = (p: DetectionParams = {}): HeadContext => ({
  manifest,
  params: resolveDetectionParams(p),
  inputWidth: 64,
  inputHeight: 64,
});
const f = Math.fround;
const product = (a: number, b: number) => f(f(a) * f(b));

// Rows: cx, cy, w, h, objectness, cat, dog.
const rows = [
  [20, 20, 20, 20, 0.9, 0.5, 0.1], // cat 0.45
  [22, 20, 20, 20, 0.5, 0.95, 0.0], // cat 0.475, overlaps row 0 (IoU .82)
  [50, 50, 10, 10, 0.9, 0.1, 0.4], // dog 0.36: below 0.4
  [50, 50, 10, 10, 0.3, 1.0, 0.0], // objectness 0.3: rejected early
  [8, 40, 4, 6, 1.0, 0.2, 0.8], // dog 0.8
];

describe('yolov5 head', () => {
  it('scores objectness × best class, thresholds, and suppresses per class', async () => {
    const outputs = await run({ output0: { dims: [1, 5, 7], data: rows.flat() } });
    const [d] = yolov5Head.decode(outputs, 1, ctx());
    expect(Array.from(d.xyxy)).toEqual([6, 37, 10, 43, 12, 10, 32, 30]);
    expect(Array.from(d.confidence)).toEqual([product(1.0, 0.8), product(0.5, 0.95)]);
    expect(Array.from(d.classId)).toEqual([1, 0]);
    expect(d.data.className).toEqual(['dog', 'cat']);
  });

  it('keeps both overlapping cats at a high IoU threshold, and honours the class filter', async () => {
    const outputs = await run({ output0: { dims: [1, 5, 7], data: rows.flat() } });
    const [all] = yolov5Head.decode(outputs, 1, ctx({ iouThreshold: 0.9 }));
    expect(Array.from(all.confidence)).toEqual([product(1.0, 0.8), product(0.5, 0.95), product(0.9, 0.5)]);
    const [cats] = yolov5Head.decode(outputs, 1, ctx({ iouThreshold: 0.9, classFilter: ['cat'] }));
    expect(Array.from(cats.classId)).toEqual([0, 0]);
  });

  it('decodes a batch of 2 and carries extras (YOLOv5-seg coefficients)', async () => {
    const img0 = rows.map((r, i) => [...r, i + 1]);
    const img1 = rows.map((_r, i) => (i === 2 ? [30, 30, 2, 2, 1, 0.1, 0.9, 7] : [0, 0, 0, 0, 0, 0, 0, 0]));
    const outputs = await run({ output0: { dims: [2, 5, 8], data: [...img0.flat(), ...img1.flat()] } });
    const [d0, d1] = yolov5Head.decode(outputs, 2, ctx());
    expect((d0.data.extras as Float32Array[]).map((e) => Array.from(e))).toEqual([[5], [2]]);
    expect(Array.from(d1.xyxy)).toEqual([29, 29, 31, 31]);
    expect(Array.from(d1.confidence)).toEqual([f(0.9)]);
    expect((d1.data.extras as Float32Array[]).map((e) => Array.from(e))).toEqual([[7]]);
  });

  it('validate() checks row width against the class count', () => {
    const out = (shape: number[]) => [{ name: 'output0', type: 'float32' as const, shape }];
    expect(() => yolov5Head.validate(out([1, 25200, 7]), manifest)).not.toThrow();
    expect(() => yolov5Head.validate(out([1, 25200, 6]), manifest)).toThrow(
      /rows of 6 values cannot hold box, objectness and the manifest's 2 classes/,
    );
    expect(() => yolov5Head.validate(out([1, 7, 25200]), manifest)).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_MODEL_FAMILY' }),
    );
  });
});
