import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRoboflow } from '../../../testing/fake-roboflow.js';
import {
  cocoNames,
  HAS_SHARED,
  SHARED_SKIP_REASON,
  sharedMedia,
  sharedModel,
  yoloxDir,
} from '../../../testing/shared.js';
import { InferenceEngine, type ObjectDetectionResult, type VisionModel } from '../src/index.js';
import { iou } from '../src/internal/postprocess/boxes.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

const boxOf = (r: ObjectDetectionResult, cls: string) => {
  const i = r.detections.data.className!.indexOf(cls);
  return i < 0 ? undefined : Array.from(r.detections.xyxy.subarray(i * 4, i * 4 + 4));
};

describe.skipIf(!HAS_SHARED)('real detectors on the shared photos', () => {
  let root: string;
  let engine: InferenceEngine;
  let v8: VisionModel;
  let yx: VisionModel;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'engine-test-'));
    engine = new InferenceEngine({ cacheDir: join(root, 'cache') });
    v8 = await engine.getModel(sharedModel('yolov8n_int8.onnx'));
    yx = await engine.getModel(await yoloxDir(root));
  });
  afterAll(async () => {
    await engine.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('describes the bare ONNX model from its metadata and the sibling coco.names', () => {
    const d = v8.describe();
    expect(d).toMatchObject({
      task: 'object-detection',
      family: 'yolov8',
      inputWidth: 640,
      inputHeight: 640,
      batchSize: 1,
    });
    expect(d.classes).toHaveLength(80);
    expect(d.classes[16]).toBe('dog');
  });

  it('dog.jpg: a dog, a bicycle and a car or truck, with sensible boxes in original pixels', async () => {
    const r = (await v8.infer(sharedMedia('dog.jpg'))) as ObjectDetectionResult;
    expect(r.image).toEqual({ width: 768, height: 576 });
    const classes = r.predictions.map((p) => p.class);
    expect(classes).toContain('dog');
    expect(classes).toContain('bicycle');
    expect(classes.some((c) => c === 'car' || c === 'truck')).toBe(true);
    const dog = r.predictions.find((p) => p.class === 'dog')!;
    // the dog sits in the lower left of the photo
    expect(dog.x).toBeGreaterThan(150);
    expect(dog.x).toBeLessThan(300);
    expect(dog.y).toBeGreaterThan(300);
    expect(dog.height).toBeGreaterThan(250);
    for (const p of r.predictions) {
      expect(p.x - p.width / 2).toBeGreaterThanOrEqual(0);
      expect(p.y + p.height / 2).toBeLessThanOrEqual(576);
      expect(p.detection_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(p.confidence).toBeGreaterThanOrEqual(0.4);
    }
    const json = JSON.parse(JSON.stringify(r));
    expect(Object.keys(json).sort()).toEqual(['image', 'inference_id', 'predictions', 'time']);
  });

  it('horses.jpg: several horses; person.jpg: a person', async () => {
    const horses = (await v8.infer(sharedMedia('horses.jpg'))) as ObjectDetectionResult;
    expect(horses.predictions.filter((p) => p.class === 'horse').length).toBeGreaterThanOrEqual(3);
    const person = (await v8.infer(sharedMedia('person.jpg'))) as ObjectDetectionResult;
    expect(person.predictions.map((p) => p.class)).toContain('person');
  });

  it('YOLOv8n and YOLOX agree on the dog box (IoU >= 0.8)', async () => {
    const a = (await v8.infer(sharedMedia('dog.jpg'))) as ObjectDetectionResult;
    const b = (await yx.infer(sharedMedia('dog.jpg'))) as ObjectDetectionResult;
    const da = boxOf(a, 'dog');
    const db = boxOf(b, 'dog');
    expect(da && db).toBeTruthy();
    expect(iou(Float32Array.from(da!), Float32Array.from(db!))).toBeGreaterThanOrEqual(0.8);
  });

  it('parameters: a higher confidence, class filter and max detections narrow the result', async () => {
    const all = (await v8.infer(sharedMedia('dog.jpg'), { confidence: 0.1 })) as ObjectDetectionResult;
    const high = (await v8.infer(sharedMedia('dog.jpg'), { confidence: 0.8 })) as ObjectDetectionResult;
    expect(all.predictions.length).toBeGreaterThan(high.predictions.length);
    expect(high.predictions.every((p) => p.confidence >= 0.8)).toBe(true);
    const dogs = (await v8.infer(sharedMedia('dog.jpg'), { classFilter: ['dog'] })) as ObjectDetectionResult;
    expect(dogs.predictions.map((p) => p.class)).toEqual(['dog']);
    const one = (await v8.infer(sharedMedia('dog.jpg'), {
      maxDetections: 1,
      confidence: 0.1,
    })) as ObjectDetectionResult;
    expect(one.predictions).toHaveLength(1);
  });

  it('EXIF orientation is applied: a rotated JPEG gives rotated boxes', async () => {
    const rotated = await sharp(sharedMedia('dog.jpg')).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const r = (await v8.infer(rotated)) as ObjectDetectionResult;
    expect(r.image).toEqual({ width: 576, height: 768 });
    const upright = (await v8.infer(rotated, { disablePreprocAutoOrient: true })) as ObjectDetectionResult;
    expect(upright.image).toEqual({ width: 768, height: 576 });
    const dog = r.predictions.find((p) => p.class === 'dog')!;
    // rotated 90° clockwise: the dog (lower left upright) is now in the upper left
    expect(dog.y).toBeLessThan(384);
  });

  it('a batch returns one result per image in order, equal to single-image results', async () => {
    const files = ['dog.jpg', 'horses.jpg', 'person.jpg'].map(sharedMedia);
    const batch = (await v8.inferBatch(files)) as ObjectDetectionResult[];
    for (const [i, f] of files.entries()) {
      const single = (await v8.infer(f)) as ObjectDetectionResult;
      expect(Array.from(batch[i].detections.xyxy)).toEqual(Array.from(single.detections.xyxy));
    }
  });

  it('bad input gives a typed error, not a crash', async () => {
    await expect(v8.infer(Buffer.from('not an image'))).rejects.toMatchObject({
      code: 'CORE_ERR_IMAGE_DECODE',
    });
    await expect(v8.infer(Buffer.alloc(0))).rejects.toMatchObject({ code: 'CORE_ERR_IMAGE_EMPTY' });
  });
});

describe.skipIf(!HAS_SHARED)('engine with the Roboflow API (local fake)', () => {
  it('downloads once, then a second engine serves the model offline from the cache', async () => {
    const root = await mkdtemp(join(tmpdir(), 'engine-rf-'));
    const fake = await startFakeRoboflow({
      models: {
        'coco/3': {
          onnxBytes: await readFile(sharedModel('yolov8n_int8.onnx')),
          environment: {
            PREPROCESSING: JSON.stringify({
              resize: { enabled: true, width: 640, height: 640, format: 'Fit (grey edges) in' },
            }),
          },
          classes: cocoNames(),
          type: 'object-detection',
          modelType: 'yolov8n',
        },
      },
    });
    try {
      const cacheDir = join(root, 'cache');
      const first = new InferenceEngine({
        cacheDir,
        apiKey: fake.apiKey,
        apiBaseUrl: fake.url,
        allowHttp: true,
      });
      const [m1, m2] = await Promise.all([first.getModel('coco/3'), first.getModel('coco/3')]);
      expect(m1).toBe(m2);
      const r = (await m1.infer(sharedMedia('dog.jpg'))) as ObjectDetectionResult;
      expect(r.predictions.map((p) => p.class)).toContain('dog');
      expect(fake.requests['/ort/coco/3']).toBe(1);
      await first.dispose();
      const before = fake.total();
      await fake.close();
      // no API key, API gone: the cached copy must be used
      const second = new InferenceEngine({ cacheDir, apiBaseUrl: fake.url });
      const m = await second.getModel('coco/3');
      expect(m.describe().family).toBe('yolov8');
      const r2 = (await m.infer(sharedMedia('dog.jpg'))) as ObjectDetectionResult;
      expect(r2.predictions.map((p) => p.class)).toEqual(r.predictions.map((p) => p.class));
      expect(fake.total()).toBe(before);
      await second.dispose();
    } finally {
      await fake.close().catch(() => {});
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!HAS_SHARED)('reduced-size JPEG decode for large photos', () => {
  it('decodes a 4x photo at 1/2 or smaller yet reports boxes in full-size pixels, matching the full decode', async () => {
    const engine = new InferenceEngine({ cacheDir: join(tmpdir(), 'unused-cache') });
    try {
      const model = await engine.getModel(sharedModel('yolov8n_int8.onnx'));
      const big = await sharp(sharedMedia('dog.jpg')).resize(3072, 2304).jpeg({ quality: 92 }).toBuffer();
      const { loadImage } = await import('../src/index.js');
      const reduced = await loadImage(big, { decodeHint: { width: 640, height: 640, fit: 'contain' } });
      expect([reduced.width, reduced.height, reduced.sourceWidth, reduced.sourceHeight]).toEqual([
        768, 576, 3072, 2304,
      ]);
      const fast = (await model.infer(big)) as ObjectDetectionResult;
      expect(fast.image).toEqual({ width: 3072, height: 2304 });
      const full = (await model.inferDecoded([await loadImage(big)]))[0] as ObjectDetectionResult;
      const a = boxOf(fast, 'dog')!;
      const b = boxOf(full, 'dog')!;
      expect(iou(Float32Array.from(a), Float32Array.from(b))).toBeGreaterThan(0.9);
      // and in full-size pixels: the dog of dog.jpg scaled by 4
      const small = (await model.infer(sharedMedia('dog.jpg'))) as ObjectDetectionResult;
      const s = boxOf(small, 'dog')!;
      expect(iou(Float32Array.from(a), Float32Array.from(s.map((v) => v * 4)))).toBeGreaterThan(0.9);
    } finally {
      await engine.dispose();
    }
  });
});
