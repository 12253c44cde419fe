// Detections are never changed after construction: mapping boxes to image pixels makes new arrays.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../testing/onnx-builder.js';
import {
  type DetectionHead,
  Detections,
  InferenceEngine,
  type ObjectDetectionResult,
  registerHead,
} from '../src/index.js';

const decoded: Detections[] = [];
const fixedHead: DetectionHead = {
  family: 'fixed-box-test',
  validate: () => undefined,
  decode: (_outputs, batchSize) =>
    Array.from({ length: batchSize }, () => {
      const d = new Detections({
        xyxy: Float32Array.of(4, 4, 12, 12),
        confidence: Float32Array.of(0.9),
        classId: Int32Array.of(0),
      });
      decoded.push(d);
      return d;
    }),
};

describe('detections from a head', () => {
  let root = '';
  const engine = new InferenceEngine({ session: { warmUp: false } });
  afterAll(async () => {
    await engine.dispose();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('keep their network-pixel boxes while the result gets image-pixel ones', async () => {
    registerHead(fixedHead);
    root = await mkdtemp(join(tmpdir(), 'immutable-'));
    const dir = join(root, 'm');
    await mkdir(dir);
    await writeFile(
      join(dir, 'model.onnx'),
      constantOutputModel(
        { name: 'images', shape: [1, 3, 16, 16] },
        { out: { dims: [1, 6], data: [0, 0, 0, 0, 0, 0] } },
      ),
    );
    await writeFile(
      join(dir, 'inference.json'),
      JSON.stringify({
        task: 'object-detection',
        family: 'fixed-box-test',
        weights: 'model.onnx',
        input: { width: 16, height: 16, resize: 'stretch' },
        classes: ['thing'],
      }),
    );
    const model = await engine.getModel(dir);
    const image = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const r = (await model.infer(image)) as ObjectDetectionResult;
    expect(Array.from(r.detections.xyxy)).toEqual([8, 8, 24, 24]);
    expect(decoded.length).toBeGreaterThan(0);
    for (const d of decoded) expect(Array.from(d.xyxy)).toEqual([4, 4, 12, 12]);
  });
});
