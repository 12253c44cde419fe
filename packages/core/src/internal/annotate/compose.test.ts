import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Detections } from '../detections/detections.js';
import { isInferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import { BoxAnnotator } from './box.js';
import { annotateDetections, encodeAnnotated } from './compose.js';
import { KeypointAnnotator } from './keypoints.js';
import { LabelAnnotator } from './label.js';
import { MaskAnnotator } from './mask.js';
import { PolygonAnnotator } from './polygon.js';

function gradient(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      data[p] = x % 200;
      data[p + 1] = y % 200;
      data[p + 2] = (x + y) % 200;
    }
  }
  return { data, width: w, height: h };
}
const px = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

/** A detection touching the top edge (so its label overlaps the box), with every optional field. */
function full(): Detections {
  return new Detections({
    xyxy: Float32Array.of(10, 0, 110, 80),
    confidence: Float32Array.of(0.75),
    classId: Int32Array.of(1),
    masks: [{ x0: 0, y0: 0, width: 120, height: 90, data: new Uint8Array(120 * 90).fill(1) }],
    keypoints: Float32Array.of(30, 40, 0.9, 90, 40, 0.9),
    keypointCount: 2,
    data: { className: ['dog'], polygon: [Float32Array.of(20, 10, 100, 10, 60, 70)] },
  });
}

describe('annotateDetections', () => {
  it('applies masks, boxes, polygons, keypoints, then labels, into one copy', () => {
    const input = gradient(160, 120);
    const before = input.data.slice();
    const d = full();
    const opts = { inPlace: true, thickness: 2 };
    const expected = gradient(160, 120);
    new MaskAnnotator({ inPlace: true }).annotate(expected, d);
    new BoxAnnotator(opts).annotate(expected, d);
    new PolygonAnnotator(opts).annotate(expected, d);
    new KeypointAnnotator({ ...opts, skeleton: [[0, 1]] }).annotate(expected, d);
    new LabelAnnotator({ inPlace: true }).annotate(expected, d);
    const out = annotateDetections(input, d, { strokeWidth: 2, keypoints: { skeleton: [[0, 1]] } });
    expect(out.data).toEqual(expected.data);
    expect(input.data).toEqual(before);

    // the comparison can tell orders apart: labels before boxes gives other pixels
    const wrong = gradient(160, 120);
    new MaskAnnotator({ inPlace: true }).annotate(wrong, d);
    new LabelAnnotator({ inPlace: true }).annotate(wrong, d);
    new BoxAnnotator(opts).annotate(wrong, d);
    expect(wrong.data).not.toEqual(expected.data);
  });

  it('turns parts off on request and draws masks only when present', () => {
    const input = gradient(160, 120);
    const d = full();
    const maskOnly = annotateDetections(input, d, {
      boxes: false,
      labels: false,
      polygons: false,
      keypoints: false,
    });
    expect(maskOnly.data).toEqual(new MaskAnnotator().annotate(input, d).data);
    const plain = d.with({ masks: undefined, keypoints: undefined, keypointCount: 0, data: {} });
    const boxesOnly = annotateDetections(input, plain, { labels: false, strokeWidth: 2 });
    expect(boxesOnly.data).toEqual(new BoxAnnotator({ thickness: 2 }).annotate(input, plain).data);
  });

  it('uses manifest colours by class name and draws in place on request', () => {
    const input = gradient(160, 120);
    const d = full().with({ masks: undefined });
    const out = annotateDetections(input, d, {
      colors: { dog: '#00ff00' },
      labels: false,
      strokeWidth: 2,
      inPlace: true,
    });
    expect(out).toBe(input);
    expect(px(input, 10, 40)).toEqual([0, 255, 0]);
  });
});

describe('encodeAnnotated', () => {
  it('encodes PNG losslessly and JPEG at the same size', async () => {
    const img = annotateDetections(gradient(64, 48), full());
    const png = await sharp(await encodeAnnotated(img, 'png'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([png.info.width, png.info.height, png.info.channels]).toEqual([64, 48, 3]);
    expect(new Uint8Array(png.data)).toEqual(img.data);
    const jpeg = await encodeAnnotated(img, 'jpeg', 90);
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
    const meta = await sharp(jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 64, 48]);
  });

  it('rejects a bad quality with CORE_ERR_INVALID_PARAMETER', async () => {
    const err = await encodeAnnotated(gradient(4, 4), 'jpeg', 0).catch((e: unknown) => e);
    expect(isInferenceError(err) && err.code).toBe('CORE_ERR_INVALID_PARAMETER');
  });
});
