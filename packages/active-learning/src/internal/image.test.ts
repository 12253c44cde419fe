import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { datasetOf } from './active-learning.js';
import { prepareImage, rescalePrediction } from './image.js';
import type { WirePrediction } from './prediction.js';
import { collectTags, parseEnvTags } from './tags.js';

const rgb = (width: number, height: number) => ({
  data: new Uint8Array(width * height * 3).fill(128),
  width,
  height,
});

describe('prepareImage', () => {
  it('downscales to fit [height, width], keeping aspect, and reports the factor', async () => {
    const p = await prepareImage(rgb(400, 200), [100, 100], 80);
    expect([p.width, p.height]).toEqual([100, 50]);
    expect(p.scale).toBeCloseTo(0.25);
    const meta = await sharp(p.jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 100, 50]);
  });

  it('never upscales', async () => {
    const p = await prepareImage(rgb(40, 20), [100, 100], 95);
    expect([p.width, p.height, p.scale]).toEqual([40, 20, 1]);
  });

  it('follows jpeg_compression_level', async () => {
    const noisy = {
      ...rgb(64, 64),
      data: Uint8Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 251),
    };
    const lo = await prepareImage(noisy, undefined, 10);
    const hi = await prepareImage(noisy, undefined, 100);
    expect(lo.jpeg.length).toBeLessThan(hi.jpeg.length);
  });

  it('decodes encoded bytes with EXIF orientation applied', async () => {
    const jpeg = await sharp({ create: { width: 60, height: 30, channels: 3, background: '#fff' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const p = await prepareImage(jpeg, [20, 1000], 90);
    // orientation 6 = rotated 90°: the upright image is 30 wide, 60 high, then fitted to 20 high
    expect([p.width, p.height]).toEqual([10, 20]);
  });

  it('rescales against the prediction image height when it differs from the pixels', async () => {
    const p = await prepareImage(rgb(200, 100), undefined, 90, 400);
    expect(p.scale).toBeCloseTo(0.25);
  });
});

describe('rescalePrediction', () => {
  const det: WirePrediction = {
    image: { width: 400, height: 200 },
    predictions: [
      {
        x: 200,
        y: 100,
        width: 40,
        height: 20,
        confidence: 0.9,
        class: 'a',
        points: [{ x: 180, y: 90 }],
        keypoints: [{ x: 190, y: 95, confidence: 0.8 }],
      },
    ],
  };

  it('puts detection geometry on the uploaded pixels, relative geometry preserved', () => {
    const r = rescalePrediction(det, 'instance-segmentation', 0.25, { width: 100, height: 50 });
    expect(r.image).toEqual({ width: 100, height: 50 });
    const d = (r.predictions as { x: number; y: number; width: number; height: number }[])[0];
    expect([d.x, d.y, d.width, d.height]).toEqual([50, 25, 10, 5]);
    expect(d.x / r.image!.width).toBe(200 / 400);
    expect((r.predictions as { points: unknown[] }[])[0].points).toEqual([{ x: 45, y: 22.5 }]);
    expect((r.predictions as { keypoints: unknown[] }[])[0].keypoints).toEqual([
      { x: 47.5, y: 23.75, confidence: 0.8 },
    ]);
    // the input is untouched
    expect((det.predictions as { x: number }[])[0].x).toBe(200);
  });

  it('leaves classification and stubs geometry alone (image size still updated)', () => {
    const cls: WirePrediction = {
      image: { width: 400, height: 200 },
      top: 'a',
      confidence: 0.9,
      predictions: [],
    };
    expect(rescalePrediction(cls, 'classification', 0.5, { width: 200, height: 100 })).toEqual({
      ...cls,
      image: { width: 200, height: 100 },
    });
    const stub: WirePrediction = { is_stub: true };
    expect(rescalePrediction(stub, 'object-detection', 0.5, { width: 1, height: 1 })).toEqual(stub);
  });

  it('is a no-op within 1e-5 of 1', () => {
    expect(rescalePrediction(det, 'object-detection', 1 + 5e-6, { width: 1, height: 1 })).toBe(det);
  });
});

describe('tags', () => {
  it('orders env, config, strategy, then the model id with / as -', () => {
    expect(collectTags(parseEnvTags(' e1, e2 ,,'), ['c'], ['s1', 's2'], 'coco/3', true)).toEqual([
      'e1',
      'e2',
      'c',
      's1',
      's2',
      'coco-3',
    ]);
  });
  it('adds the model id only when predictions are persisted', () => {
    expect(collectTags([], ['c'], [], 'coco/3', false)).toEqual(['c']);
  });
});

describe('datasetOf', () => {
  it.each([
    ['coco/3', 'coco'],
    ['my-ds/12', 'my-ds'],
    ['/models/yolov8n_int8.onnx', 'yolov8n_int8'],
    ['./models/yolov8n', 'yolov8n'],
    ['models/yolov8n.onnx', 'yolov8n'],
    ['single', 'single'],
  ])('%s -> %s', (id, ds) => {
    expect(datasetOf(id)).toBe(ds);
  });
});
