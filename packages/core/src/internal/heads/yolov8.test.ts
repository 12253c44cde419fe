import { describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import type { ModelManifest } from '../manifest/types.js';
import { type DetectionParams, resolveDetectionParams } from '../postprocess/params.js';
import { OnnxSession } from '../runtime/onnx-session.js';
import type { TensorData } from '../runtime/types.js';
import type { HeadContext } from './types.js';
import { decodeYoloV8Candidates, yolov8Head } from './yolov8.js';

/** Run a constant-output ONNX graph through the real session. */
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

/** Anchor rows [cx, cy, w, h, scores..., extras...] -> channel-major [B, channels, N] data. */
function transposed(images: number[][][]): { dims: number[]; data: number[] } {
  const n = images[0].length;
  const ch = images[0][0].length;
  const data: number[] = [];
  for (const rows of images) for (let c = 0; c < ch; c++) for (let a = 0; a < n; a++) data.push(rows[a][c]);
  return { dims: [images.length, ch, n], data };
}

const classes = ['cat', 'dog'];
const manifest: ModelManifest = {
  task: 'object-detection',
  family: 'yolov8',
  weights: 'model.onnx',
  input: { width: 64, height: 64, resize: 'letterbox' },
  classes,
};
const ctx = (p: DetectionParams = {}): HeadContext => ({
  manifest,
  params: resolveDetectionParams(p),
  inputWidth: 64,
  inputHeight: 64,
});

// a0 cat [10,10,30,30] .9 | a1 cat [12,10,32,30] .8 (IoU .82 with a0) | a2 dog [11,11,31,31] .7 (IoU .82 with a0)
// a3 below threshold | a4 dog [45,45,55,55] .6, apart from everything.
const image0 = [
  [20, 20, 20, 20, 0.9, 0.1],
  [22, 20, 20, 20, 0.8, 0.2],
  [21, 21, 20, 20, 0.1, 0.7],
  [40, 40, 8, 8, 0.3, 0.2],
  [50, 50, 10, 10, 0.05, 0.6],
];
const BOX = [
  [10, 10, 30, 30],
  [12, 10, 32, 30],
  [11, 11, 31, 31],
  [36, 36, 44, 44],
  [45, 45, 55, 55],
];
const SCORE = [0.9, 0.8, 0.7, 0.3, 0.6].map(Math.fround);
const CLASS = [0, 0, 1, 0, 1];

async function decode(p: DetectionParams = {}, images = [image0]) {
  const outputs = await run({ output0: transposed(images) });
  return yolov8Head.decode(outputs, images.length, ctx(p));
}

/** Expect detections to be exactly anchors `ids`, in that order. */
function expectAnchors(
  d: {
    xyxy: Float32Array;
    confidence: Float32Array;
    classId: Int32Array;
    data: Record<string, readonly unknown[]>;
  },
  ids: number[],
) {
  expect(Array.from(d.xyxy)).toEqual(ids.flatMap((i) => BOX[i]));
  expect(Array.from(d.confidence)).toEqual(ids.map((i) => SCORE[i]));
  expect(Array.from(d.classId)).toEqual(ids.map((i) => CLASS[i]));
  expect(d.data.className).toEqual(ids.map((i) => classes[CLASS[i]]));
}

describe('yolov8 head', () => {
  it('decodes transposed output with class-aware NMS by default', async () => {
    const [d] = await decode();
    expectAnchors(d, [0, 2, 4]);
    expect(d.data.extras).toBeUndefined();
  });

  it('class-agnostic NMS lets the cat suppress the overlapping dog', async () => {
    expectAnchors((await decode({ classAgnosticNms: true }))[0], [0, 4]);
  });

  it('iou threshold: nothing overlaps more than 0.9', async () => {
    expectAnchors((await decode({ iouThreshold: 0.9 }))[0], [0, 1, 2, 4]);
  });

  it('confidence threshold is strict', async () => {
    expectAnchors((await decode({ confidence: 0.65 }))[0], [0, 2]);
    expectAnchors((await decode({ confidence: 0.6 }))[0], [0, 2]);
    expectAnchors((await decode({ confidence: 0.2 }))[0], [0, 2, 4, 3]);
  });

  it('max candidates keeps the top-k before NMS', async () => {
    // The top two (a0, a1) overlap: one survives, although a2 and a4 would have.
    expectAnchors((await decode({ maxCandidates: 2 }))[0], [0]);
  });

  it('max detections caps after NMS', async () => {
    expectAnchors((await decode({ maxDetections: 2 }))[0], [0, 2]);
  });

  it('class filter drops other classes before NMS', async () => {
    expectAnchors((await decode({ classFilter: ['dog'] }))[0], [2, 4]);
    expectAnchors((await decode({ classFilter: ['dog'], classAgnosticNms: true }))[0], [2, 4]);
    expect((await decode({ classFilter: ['unicorn'] }))[0].length).toBe(0);
  });

  it('decodes each image of a batch of 2', async () => {
    const image1 = image0.map((_r, i) => (i === 4 ? [50, 50, 10, 10, 0.95, 0] : [0, 0, 0, 0, 0, 0]));
    const [d0, d1] = await decode({}, [image0, image1]);
    expectAnchors(d0, [0, 2, 4]);
    expect(Array.from(d1.xyxy)).toEqual(BOX[4]);
    expect(Array.from(d1.confidence)).toEqual([Math.fround(0.95)]);
    expect(Array.from(d1.classId)).toEqual([0]);
  });

  it('carries extra channels of surviving anchors (seg/pose reuse)', async () => {
    const withExtras = image0.map((r, i) => [...r, 100 + i, 10 * i]);
    const outputs = await run({ output0: transposed([withExtras]) });
    const cand = decodeYoloV8Candidates(outputs.output0, 0, 2, { confidence: 0.4 });
    expect(cand.extraCount).toBe(2);
    expect(Array.from(cand.anchor)).toEqual([0, 1, 2, 4]);
    expect(Array.from(cand.extras)).toEqual([100, 0, 101, 10, 102, 20, 104, 40]);
    const [d] = yolov8Head.decode(outputs, 1, ctx());
    expectAnchors(d, [0, 2, 4]);
    expect((d.data.extras as Float32Array[]).map((e) => Array.from(e))).toEqual([
      [100, 0],
      [102, 20],
      [104, 40],
    ]);
  });

  it('finds the best class in every channel position (C = 5: four-wide pass and remainder)', async () => {
    // Anchor k sits at x = 10k with its high score in class k; anchor 5 has two classes above threshold.
    const rows = [0, 1, 2, 3, 4].map((k) => [
      10 * k + 5,
      5,
      4,
      4,
      ...[0, 1, 2, 3, 4].map((c) => (c === k ? 0.5 + k / 10 : 0.1)),
    ]);
    rows.push([80, 80, 4, 4, 0.1, 0.45, 0.1, 0.1, 0.7]);
    rows.push([90, 90, 4, 4, 0.1, 0.1, 0.39, 0.1, 0.1]);
    const outputs = await run({ output0: transposed([rows]) });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const [d] = yolov8Head.decode(outputs, 1, { ...ctx(), manifest: { ...manifest, classes: names } });
    // Scores: a4 .9, a3 .8, a2 .7, a5 .7 (tie: lower anchor first), a1 .6, a0 .5; a6 (.39) is dropped.
    expect(Array.from(d.classId)).toEqual([4, 3, 2, 4, 1, 0]);
    expect(Array.from(d.confidence)).toEqual([0.9, 0.8, 0.7, 0.7, 0.6, 0.5].map(Math.fround));
    expect(Array.from(d.xyxy.subarray(12, 16))).toEqual([78, 78, 82, 82]);
  });

  it('returns empty detections when nothing passes', async () => {
    const [d] = await decode({ confidence: 0.99 });
    expect(d.length).toBe(0);
    expect(d.data.className).toEqual([]);
  });

  it('validate() explains a class-count mismatch', () => {
    const outputs = [{ name: 'output0', type: 'float32' as const, shape: [1, 6, 8400] }];
    expect(() => yolov8Head.validate(outputs, manifest)).not.toThrow();
    const coco = { ...manifest, classes: Array.from({ length: 80 }, (_, i) => `c${i}`) };
    expect(() => yolov8Head.validate(outputs, coco)).toThrow(
      /6 channels cannot hold 4 box values and the manifest's 80 classes/,
    );
    expect(() => yolov8Head.validate(outputs, coco)).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_MODEL_FAMILY' }),
    );
    const rowMajor = [{ name: 'output0', type: 'float32' as const, shape: [1, 8400, 6] }];
    expect(() => yolov8Head.validate(rowMajor, { ...manifest, classes: ['a'] })).toThrow(
      /anchors on the last axis/,
    );
    expect(() => yolov8Head.validate([], manifest)).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_MODEL_FAMILY' }),
    );
  });

  it('decode rejects a run whose batch is smaller than asked', async () => {
    const outputs = await run({ output0: transposed([image0]) });
    expect(() => yolov8Head.decode(outputs, 2, ctx())).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_POSTPROCESS' }),
    );
  });
});
