import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildOnnxModel } from '../../../testing/onnx-builder.js';
import { InferenceEngine, type ObjectDetectionResult } from '../src/index.js';
import type { RawFrame } from '../src/internal/image/types.js';
import { OnnxSession } from '../src/internal/runtime/onnx-session.js';

/**
 * The network is a Reshape of its input [N, 3, 8, 8] -> [N, 6, 32]: a YOLOv8
 * layout with 2 classes and 32 anchors whose values are the image's own
 * pixels (scale 1, stretch 8x8 -> 8x8 is the identity). So each image of a
 * batch carries its own designed detection, and a mix-up between batch slots
 * shows in the boxes.
 */
function reshapeModel(batch: number | string): Uint8Array {
  return buildOnnxModel({
    inputs: [{ name: 'images', shape: [batch, 3, 8, 8] }],
    outputs: [{ name: 'output0', shape: [batch, 6, 32] }],
    initializers: [{ name: 'shape', type: 'int64', dims: [3], data: [-1, 6, 32] }],
    nodes: [{ op: 'Reshape', inputs: ['images', 'shape'], outputs: ['output0'] }],
  });
}

/** An 8x8 RGB frame whose planar values put one box (cx, cy, w, h) of class `cls` at anchor 5. */
function frameWithBox(cx: number, cy: number, w: number, h: number, cls: 0 | 1): RawFrame {
  const planar = new Uint8Array(192);
  const anchor = 5;
  const put = (channel: number, v: number) => (planar[channel * 32 + anchor] = v);
  put(0, cx);
  put(1, cy);
  put(2, w);
  put(3, h);
  put(4 + cls, 1); // score 1.0 for the class
  // planar NCHW index k = c*64 + y*8 + x -> interleaved RGB (y*8 + x)*3 + c
  const data = new Uint8Array(192);
  for (let k = 0; k < 192; k++) {
    const c = Math.floor(k / 64);
    const p = k % 64;
    data[p * 3 + c] = planar[k];
  }
  return { data, width: 8, height: 8, format: 'rgb' };
}

let root: string;
let engine: InferenceEngine;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'batching-'));
  engine = new InferenceEngine({ cacheDir: join(root, 'cache') });
});
afterAll(async () => {
  await engine.dispose();
  await rm(root, { recursive: true, force: true });
});

async function modelDir(name: string, batch: number | string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'm.onnx'), reshapeModel(batch));
  await writeFile(
    join(dir, 'inference.json'),
    JSON.stringify({
      task: 'object-detection',
      family: 'yolov8',
      weights: 'm.onnx',
      input: { width: 8, height: 8, resize: 'stretch', scale: 1 },
      classes: ['a', 'b'],
    }),
  );
  return dir;
}

const frames = [frameWithBox(3, 3, 2, 2, 0), frameWithBox(5, 4, 2, 4, 1), frameWithBox(2, 6, 2, 2, 1)];
const expected = [
  { class: 'a', x: 3, y: 3, width: 2, height: 2 },
  { class: 'b', x: 5, y: 4, width: 2, height: 4 },
  { class: 'b', x: 2, y: 6, width: 2, height: 2 },
];

describe('batches', () => {
  it.each([
    ['dynamic batch: one session call for the whole batch', 'N', 1],
    ['fixed batch 1: one call per image', 1, 3],
  ] as const)('%s', async (_name, batch, calls) => {
    const model = await engine.getModel(await modelDir(`b-${batch}`, batch));
    expect(model.describe().batchSize).toBe(batch === 'N' ? 'dynamic' : 1);
    const spy = vi.spyOn(OnnxSession.prototype, 'run');
    try {
      const results = (await model.inferBatch(frames)) as ObjectDetectionResult[];
      expect(spy).toHaveBeenCalledTimes(calls);
      expect(
        results.map((r) =>
          r.predictions.map(({ class: c, x, y, width, height }) => ({ class: c, x, y, width, height })),
        ),
      ).toEqual(expected.map((e) => [e]));
    } finally {
      spy.mockRestore();
    }
  });

  it('a fixed batch of 2 is filled in chunks and padded on the last one', async () => {
    const model = await engine.getModel(await modelDir('b-2', 2));
    const spy = vi.spyOn(OnnxSession.prototype, 'run');
    try {
      const results = (await model.inferBatch(frames)) as ObjectDetectionResult[];
      expect(spy).toHaveBeenCalledTimes(2);
      expect(results.map((r) => r.predictions[0].class)).toEqual(['a', 'b', 'b']);
    } finally {
      spy.mockRestore();
    }
  });
});
