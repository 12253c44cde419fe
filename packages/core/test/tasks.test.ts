import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../testing/onnx-builder.js';
import { HAS_SHARED, sharedMedia, sharedModel } from '../../../testing/shared.js';
import {
  annotateResult,
  annotateResultImage,
  type ClassificationResult,
  InferenceEngine,
  type InstanceSegmentationResult,
  type KeypointsResult,
  type ModelManifest,
  type SemanticSegmentationResult,
} from '../src/index.js';
import { maskIoU, polygonToMask, rleToMask } from '../src/internal/masks/index.js';

let root: string;
let engine: InferenceEngine;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tasks-test-'));
  engine = new InferenceEngine({ cacheDir: join(root, 'cache'), session: { warmUp: true } });
});
afterAll(async () => {
  await engine.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Write a model folder: a tiny ONNX graph with designed outputs plus our manifest. */
async function modelDir(
  name: string,
  manifest: Omit<ModelManifest, 'weights'>,
  outputs: Parameters<typeof constantOutputModel>[1],
) {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const { width, height } = manifest.input;
  await writeFile(
    join(dir, 'model.onnx'),
    constantOutputModel({ name: 'images', shape: [1, 3, height, width] }, outputs),
  );
  await writeFile(join(dir, 'inference.json'), JSON.stringify({ ...manifest, weights: 'model.onnx' }));
  return dir;
}

const solid = (w: number, h: number) =>
  sharp({ create: { width: w, height: h, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();

describe('classification through the engine', () => {
  it('single-label: softmax, predictions sorted, top and confidence', async () => {
    const dir = await modelDir(
      'cls',
      {
        task: 'classification',
        family: 'classification',
        input: { width: 32, height: 32, resize: 'stretch' },
        classes: ['cat', 'dog', 'bird'],
      },
      { logits: { dims: [1, 3], data: [1, 3, 2] } },
    );
    const model = await engine.getModel(dir);
    expect(model.describe().task).toBe('classification');
    const r = (await model.infer(await solid(50, 40))) as ClassificationResult;
    const e = [Math.exp(1), Math.exp(3), Math.exp(2)];
    const sum = e[0] + e[1] + e[2];
    const json = r.toJSON() as {
      predictions: { class: string; confidence: number }[];
      top: string;
      confidence: number;
    };
    expect(json.top).toBe('dog');
    expect(json.confidence).toBeCloseTo(e[1] / sum, 3);
    expect(json.predictions.map((p) => p.class)).toEqual(['dog', 'bird', 'cat']);
    expect(json.predictions[2].confidence).toBeCloseTo(e[0] / sum, 3);
  });

  it('multi-label: sigmoid per class, predicted_classes over the threshold', async () => {
    const dir = await modelDir(
      'cls-multi',
      {
        task: 'classification',
        family: 'classification',
        multiLabel: true,
        input: { width: 32, height: 32, resize: 'stretch' },
        classes: ['a', 'b', 'c'],
      },
      { logits: { dims: [1, 3], data: [2, -2, 0.1] } },
    );
    const model = await engine.getModel(dir);
    const json = (await model.infer(await solid(20, 20))).toJSON() as {
      predictions: Record<string, { confidence: number; class_id: number }>;
      predicted_classes: string[];
    };
    expect(json.predictions.a.confidence).toBeCloseTo(1 / (1 + Math.exp(-2)), 3);
    expect(json.predictions.b.class_id).toBe(1);
    expect(json.predicted_classes).toEqual(['a', 'c']);
  });
});

describe('keypoints through the engine', () => {
  it('boxes and COCO-17 keypoints mapped to image pixels; keypoint_confidence filters', async () => {
    const K = 17;
    const N = 64;
    const ch = 5 + K * 3;
    const data = new Float32Array(ch * N);
    // anchor 2: a person box centred at (32, 32) in a 64x64 input, keypoints on a diagonal with rising confidence
    const set = (c: number, a: number, v: number) => (data[c * N + a] = v);
    set(0, 2, 32);
    set(1, 2, 32);
    set(2, 2, 20);
    set(3, 2, 40);
    set(4, 2, 0.9);
    for (let q = 0; q < K; q++) {
      set(5 + q * 3, 2, 16 + q);
      set(6 + q * 3, 2, 16 + q);
      set(7 + q * 3, 2, q / 16);
    }
    const dir = await modelDir(
      'pose',
      {
        task: 'keypoint-detection',
        family: 'yolov8-pose',
        input: { width: 64, height: 64, resize: 'stretch' },
        classes: ['person'],
      },
      { output0: { dims: [1, ch, N], data } },
    );
    const model = await engine.getModel(dir);
    // a 128x128 image: stretch scale 0.5, so network (x, y) -> image (2x, 2y)
    const r = (await model.infer(await solid(128, 128), { keypointConfidence: 0.5 })) as KeypointsResult;
    const [p] = r.predictions;
    expect(p).toMatchObject({ class: 'person', x: 64, y: 64, width: 40, height: 80 });
    expect(p.keypoints[0]).toMatchObject({ class: 'right_elbow', class_id: 8, x: 48, y: 48 });
    expect(p.keypoints.every((k) => k.confidence >= 0.5)).toBe(true);
    expect(p.keypoints).toHaveLength(9);
    const jpeg = await annotateResult(await solid(128, 128), r, { format: 'png' });
    expect((await sharp(jpeg).metadata()).width).toBe(128);

    // a copy by default; inPlace draws into the given pixels (the server's visualisation saves a full copy)
    const raw = await sharp(await solid(128, 128))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const image = { data: new Uint8Array(raw.data), width: 128, height: 128 };
    const before = Uint8Array.from(image.data);
    const copy = annotateResultImage(image, r);
    expect(copy.data).not.toBe(image.data);
    expect(image.data).toEqual(before);
    expect(copy.data).not.toEqual(before);
    const same = annotateResultImage(image, r, { inPlace: true });
    expect(same.data).toBe(image.data);
    expect(image.data).toEqual(copy.data);
  });
});

describe('semantic segmentation through the engine', () => {
  it('argmax per pixel, class map, PNG masks at the original size', async () => {
    // [1, 2, 4, 4]: class 1 wins in the left half
    const scores = new Float32Array(2 * 16);
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) scores[16 + y * 4 + x] = x < 2 ? 5 : -5;
    const dir = await modelDir(
      'semseg',
      {
        task: 'semantic-segmentation',
        family: 'semantic-segmentation',
        input: { width: 4, height: 4, resize: 'stretch' },
        classes: ['background', 'road'],
      },
      { out: { dims: [1, 2, 4, 4], data: scores } },
    );
    const model = await engine.getModel(dir);
    const r = (await model.infer(await solid(8, 6))) as SemanticSegmentationResult;
    const json = r.toJSON();
    expect(json.predictions.class_map).toEqual({ '0': 'background', '1': 'road' });
    const png = Buffer.from(json.predictions.segmentation_mask, 'base64');
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([8, 6, 1]);
    const { data } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    // left half is road (1), right half background (0), every row
    for (let y = 0; y < 6; y++)
      expect(Array.from(data.subarray(y * 8, y * 8 + 8))).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
  });
});

describe.skipIf(!HAS_SHARED)('instance segmentation with the real YOLOv8n-seg', () => {
  it('reads task and names from the Ultralytics metadata; the dog mask covers its box; polygon and RLE agree', async () => {
    const model = await engine.getModel(sharedModel('yolov8n-seg_int8.onnx'));
    expect(model.describe()).toMatchObject({
      task: 'instance-segmentation',
      family: 'yolov8-seg',
      inputWidth: 320,
    });
    const poly = (await model.infer(sharedMedia('dog.jpg'))) as InstanceSegmentationResult;
    const rle = (await model.infer(sharedMedia('dog.jpg'), {
      maskFormat: 'rle',
    })) as InstanceSegmentationResult;
    const i = poly.predictions.findIndex((p) => p.class === 'dog');
    expect(i).toBeGreaterThanOrEqual(0);
    const p = poly.predictions[i];
    expect(p.mask_format).toBe('polygon');
    expect(p.points!.length).toBeGreaterThan(10);
    for (const pt of p.points!) {
      expect(pt.x).toBeGreaterThanOrEqual(p.x - p.width / 2 - 1);
      expect(pt.x).toBeLessThanOrEqual(p.x + p.width / 2 + 1);
      expect(pt.y).toBeGreaterThanOrEqual(p.y - p.height / 2 - 1);
      expect(pt.y).toBeLessThanOrEqual(p.y + p.height / 2 + 1);
    }
    const { width, height } = poly.image;
    const flat = Float32Array.from(p.points!.flatMap((q) => [q.x, q.y]));
    const fromPoly = polygonToMask(flat, width, height);
    let covered = 0;
    for (const v of fromPoly) covered += v;
    expect(covered / (p.width * p.height)).toBeGreaterThan(0.5);
    const r = rle.predictions.find((q) => q.class === 'dog')!;
    expect(r.mask_format).toBe('rle');
    expect(r.rle!.size).toEqual([height, width]);
    const fromRle = rleToMask(r.rle!);
    expect(maskIoU(fromPoly, fromRle)).toBeGreaterThanOrEqual(0.95);
  });
});
