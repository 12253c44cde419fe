import { describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import type { ModelManifest } from '../manifest/types.js';
import { type DetectionParams, resolveDetectionParams } from '../postprocess/params.js';
import { OnnxSession } from '../runtime/onnx-session.js';
import type { TensorData } from '../runtime/types.js';
import { end2endHead, resolveEnd2EndLayout } from './end2end.js';
import type { HeadContext } from './types.js';

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
  family: 'end2end',
  weights: 'model.onnx',
  input: { width: 100, height: 50, resize: 'stretch' },
  classes: ['cat', 'dog'],
  ...(options ? { options } : {}),
});
const ctx = (p: DetectionParams = {}, options?: Record<string, unknown>): HeadContext => ({
  manifest: manifest(options),
  params: resolveDetectionParams(p),
  inputWidth: 100,
  inputHeight: 50,
});
const f = Math.fround;
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

describe('end2end head: [B, N, 6] (YOLOv10 / YOLO26)', () => {
  const dets = [
    [10, 10, 20, 20, 0.9, 1],
    [11, 10, 21, 20, 0.85, 1], // overlaps the first: NMS-free, so both stay
    [0, 0, 5, 5, 0.3, 0], // below threshold
    [30, 30, 40, 40, 0.5, 0],
  ];

  it('thresholds without NMS, best first', async () => {
    const outputs = await run({ output0: { dims: [1, 4, 6], data: dets.flat() } });
    const [d] = end2endHead.decode(outputs, 1, ctx());
    expect(Array.from(d.xyxy)).toEqual([10, 10, 20, 20, 11, 10, 21, 20, 30, 30, 40, 40]);
    expect(Array.from(d.confidence)).toEqual([0.9, 0.85, 0.5].map(f));
    expect(Array.from(d.classId)).toEqual([1, 1, 0]);
    expect(d.data.className).toEqual(['dog', 'dog', 'cat']);
  });

  it('applies max detections, class filter and confidence', async () => {
    const outputs = await run({ output0: { dims: [1, 4, 6], data: dets.flat() } });
    expect(Array.from(end2endHead.decode(outputs, 1, ctx({ maxDetections: 1 }))[0].confidence)).toEqual([
      f(0.9),
    ]);
    expect(Array.from(end2endHead.decode(outputs, 1, ctx({ classFilter: ['cat'] }))[0].confidence)).toEqual([
      f(0.5),
    ]);
    expect(Array.from(end2endHead.decode(outputs, 1, ctx({ confidence: 0.2 }))[0].confidence)).toEqual(
      [0.9, 0.85, 0.5, 0.3].map(f),
    );
  });

  it('decodes a batch of 2', async () => {
    const second = [
      [1, 2, 3, 4, 0.7, 0],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0],
    ];
    const outputs = await run({ output0: { dims: [2, 4, 6], data: [...dets.flat(), ...second.flat()] } });
    const [a, b] = end2endHead.decode(outputs, 2, ctx());
    expect(a.length).toBe(3);
    expect(Array.from(b.xyxy)).toEqual([1, 2, 3, 4]);
    expect(Array.from(b.classId)).toEqual([0]);
  });
});

describe('end2end head: DETR boxes + logits', () => {
  // Normalised cxcywh; input 100×50.
  const boxes = [
    [0.5, 0.5, 0.2, 0.4], // -> [40, 15, 60, 35]
    [0.1, 0.1, 0.1, 0.1],
    [0.25, 0.5, 0.5, 1.0], // -> [0, 0, 50, 50]
  ];
  // cat, dog, no-object
  const logits = [
    [2, -1, 5],
    [-3, -2, 0],
    [0, 1, 0],
  ];

  it('sigmoid per class, best real class wins, boxes scaled to input pixels', async () => {
    const outputs = await run({
      pred_boxes: { dims: [1, 3, 4], data: boxes.flat() },
      pred_logits: { dims: [1, 3, 3], data: logits.flat() },
    });
    end2endHead.validate(
      [
        { name: 'pred_boxes', type: 'float32', shape: [1, 3, 4] },
        { name: 'pred_logits', type: 'float32', shape: [1, 3, 3] },
      ],
      manifest(),
    );
    const [d] = end2endHead.decode(outputs, 1, ctx());
    expect(Array.from(d.xyxy).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([40, 15, 60, 35, 0, 0, 50, 50]);
    expect(Array.from(d.confidence)).toEqual([f(sigmoid(2)), f(sigmoid(1))]);
    expect(Array.from(d.classId)).toEqual([0, 1]);
  });

  it('softmax over classes + no-object when configured', async () => {
    const outputs = await run({
      dets: { dims: [1, 3, 4], data: boxes.flat() },
      labels: { dims: [1, 3, 3], data: logits.flat() },
    });
    const [d] = end2endHead.decode(outputs, 1, ctx({}, { scoreActivation: 'softmax' }));
    // Query 0's no-object logit dominates (softmax 0.047 for cat); query 2: e / (1 + e + 1).
    expect(Array.from(d.classId)).toEqual([1]);
    expect(d.confidence[0]).toBe(f(Math.E / (2 + Math.E)));
  });

  it('finds outputs by shape when names are unknown, and honours boxFormat/normalized', async () => {
    const pixelBoxes = [
      [40, 15, 60, 35],
      [0, 0, 1, 1],
      [0, 0, 50, 50],
    ];
    const outputs = await run({
      out_b: { dims: [1, 3, 2], data: logits.flatMap((l) => l.slice(0, 2)) },
      out_a: { dims: [1, 3, 4], data: pixelBoxes.flat() },
    });
    const [d] = end2endHead.decode(outputs, 1, ctx({}, { boxFormat: 'xyxy', normalized: false }));
    expect(Array.from(d.xyxy)).toEqual([40, 15, 60, 35, 0, 0, 50, 50]);
  });

  it('supports boxes + scores + labels exports', async () => {
    const outputs = await run({
      boxes: { dims: [1, 3, 4], data: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6] },
      scores: { dims: [1, 3], data: [0.3, 0.8, 0.6] },
      labels: { dims: [1, 3], data: [0, 1, 0] },
    });
    const [d] = end2endHead.decode(outputs, 1, ctx());
    expect(Array.from(d.xyxy)).toEqual([3, 3, 4, 4, 5, 5, 6, 6]);
    expect(Array.from(d.classId)).toEqual([1, 0]);
  });

  it('validate() and layout resolution explain what does not fit', () => {
    const info = (name: string, shape: number[]) => ({ name, type: 'float32' as const, shape });
    expect(() =>
      end2endHead.validate([info('pred_boxes', [1, 300, 4]), info('pred_logits', [1, 300, 91])], manifest()),
    ).toThrow(/to have 2 \(or 3 with a no-object column\) values per query/);
    expect(() => end2endHead.validate([info('a', [1, 300, 4]), info('b', [1, 300, 4])], manifest())).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_MODEL_FAMILY' }),
    );
    expect(() =>
      end2endHead.validate([info('output0', [1, 300, 6])], manifest({ boxFormat: 'xywh' })),
    ).toThrow(/boxFormat must be/);
    expect(resolveEnd2EndLayout([info('output0', [1, 300, 6])])).toEqual({ kind: 'dets', dets: 'output0' });
    expect(() => resolveEnd2EndLayout([info('x', [1, 300])])).toThrow(/cannot find its outputs/);
  });
});
