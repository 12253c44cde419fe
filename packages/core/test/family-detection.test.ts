import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../testing/onnx-builder.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../testing/shared.js';
import { InferenceEngine, type ObjectDetectionResult } from '../src/index.js';

// Bare .onnx files (no manifest): the loader must tell YOLOX from YOLOv5 by the
// row count of their shared [1, N, 5 + C] output, and say so when it cannot.

let root: string;
let engine: InferenceEngine;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'family-test-'));
  engine = new InferenceEngine({ cacheDir: join(root, 'cache') });
});
afterAll(async () => {
  await engine.dispose();
  await rm(root, { recursive: true, force: true });
});

const SIZE = 64; // strides 8/16/32: 8² + 4² + 2² = 84 grid cells
const VALUES = 7; // box (4) + objectness + 2 classes

/** A bare ONNX file whose [1, rows, 7] output has one confident row at `hot`. */
async function bareRowModel(name: string, rows: number | string, hot = 0): Promise<string> {
  const n = typeof rows === 'number' ? rows : 84;
  const data = new Float32Array(n * VALUES);
  // cx, cy, w, h as a YOLOX export writes them: grid offsets and log sizes
  data.set([0.5, 0.5, Math.log(2), Math.log(2), 0.9, 0.95, 0.01], hot * VALUES);
  const file = join(root, `${name}.onnx`);
  await writeFile(
    file,
    constantOutputModel(
      { name: 'images', shape: [1, 3, SIZE, SIZE] },
      { output: { dims: [1, n, VALUES], data } },
    ),
  );
  return file;
}

const image = () =>
  sharp({ create: { width: SIZE, height: SIZE, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();

describe('family of a bare row-major ONNX export', () => {
  it('one row per grid cell is YOLOX, decoded with grid offsets and strides', async () => {
    // row 9 = stride-8 cell (x 1, y 1): centre (1 + 0.5) * 8 = 12, size exp(log 2) * 8 = 16
    const model = await engine.getModel(await bareRowModel('yolox-like', 84, 9));
    expect(model.describe()).toMatchObject({
      family: 'yolox',
      inputWidth: SIZE,
      classes: ['class_0', 'class_1'],
    });
    const r = (await model.infer(await image())) as ObjectDetectionResult;
    expect(r.predictions).toHaveLength(1);
    expect(r.predictions[0]).toMatchObject({ class: 'class_0', x: 12, y: 12, width: 16, height: 16 });
  });

  it('three rows per grid cell is YOLOv5', async () => {
    const model = await engine.getModel(await bareRowModel('yolov5-like', 3 * 84));
    expect(model.describe().family).toBe('yolov5');
  });

  it('a row count that fits neither is refused, naming the manifest field that settles it', async () => {
    const file = await bareRowModel('unknown-rows', 100);
    await expect(engine.getModel(file)).rejects.toMatchObject({
      code: 'CORE_ERR_MODEL_FAMILY',
      message: expect.stringMatching(
        /cannot tell YOLOv5 from YOLOX.*100 rows.*set "family" in an inference\.json/,
      ),
    });
  });
});

describe.skipIf(!HAS_SHARED)(
  `the real yolox_nano.onnx, bare (${HAS_SHARED ? 'shared data present' : SHARED_SKIP_REASON})`,
  () => {
    it('is recognised as YOLOX and, with its BGR 0..255 top-left conventions, finds dog, bicycle and car', async () => {
      const model = await engine.getModel(sharedModel('yolox_nano.onnx'));
      expect(model.describe()).toMatchObject({ family: 'yolox', inputWidth: 416, inputHeight: 416 });
      expect(model.manifest.input).toMatchObject({ colorOrder: 'bgr', scale: 1, padAlign: 'top-left' });
      const r = (await model.infer(sharedMedia('dog.jpg'))) as ObjectDetectionResult;
      const classes = r.predictions.map((p) => p.class);
      expect(classes).toEqual(expect.arrayContaining(['dog', 'bicycle', 'car']));
      const dog = r.predictions.find((p) => p.class === 'dog')!;
      // the dog sits in the lower left of the 768x576 photo
      expect(dog.x).toBeGreaterThan(150);
      expect(dog.x).toBeLessThan(300);
      expect(dog.y).toBeGreaterThan(300);
    });
  },
);
