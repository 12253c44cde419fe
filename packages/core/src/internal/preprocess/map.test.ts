import { describe, expect, it } from 'vitest';
import type { InputSpec } from '../manifest/types.js';
import { mapBoxesToImage, mapPointsToImage, mapPointsToModel } from './map.js';
import { preprocess } from './preprocess.js';
import type { PreprocessMeta } from './types.js';

const image = (width: number, height: number) => ({
  data: new Uint8Array(width * height * 3),
  width,
  height,
});

// dog.jpg-sized input letterboxed into 640x640
const dogMeta: PreprocessMeta = preprocess(image(768, 576), {
  width: 640,
  height: 640,
  resize: 'letterbox',
}).meta;

describe('mapBoxesToImage', () => {
  it('undoes letterbox scale and padding', () => {
    const boxes = new Float32Array([0, 80, 640, 560, 320, 320, 384, 400]);
    mapBoxesToImage(boxes, dogMeta);
    const expected = [0, 0, 768, 576, 384, 288, 460.8, 384];
    for (const [i, v] of expected.entries()) expect(boxes[i]).toBeCloseTo(v, 3);
  });

  it('clips to the image unless told not to', () => {
    const a = new Float32Array([-10, 0, 700, 650]);
    const b = a.slice();
    mapBoxesToImage(a, dogMeta);
    mapBoxesToImage(b, dogMeta, false);
    expect(Array.from(a)).toEqual([0, 0, 768, 576]);
    expect(b[0]).toBeCloseTo(-12, 4);
    expect(b[3]).toBeCloseTo(684, 4);
  });

  it('adds the static-crop offset and clips to the crop region', () => {
    const { meta } = preprocess(
      image(200, 100),
      { width: 100, height: 100, resize: 'stretch' },
      {
        staticCrop: { xMin: 50, yMin: 50, xMax: 100, yMax: 100 },
      },
    );
    expect(meta).toMatchObject({
      cropX: 100,
      cropY: 50,
      cropWidth: 100,
      cropHeight: 50,
      scaleX: 1,
      scaleY: 2,
    });
    const boxes = new Float32Array([10, 10, 20, 20, -5, -5, 200, 200]);
    mapBoxesToImage(boxes, meta);
    expect(Array.from(boxes)).toEqual([110, 55, 120, 60, 100, 50, 200, 100]);
  });
});

describe('mapPointsToImage / mapPointsToModel', () => {
  it('maps keypoints with stride 3, leaving confidences alone', () => {
    const kps = new Float32Array([320, 320, 0.9, 0, 80, 0.5]);
    mapPointsToImage(kps, 3, dogMeta);
    expect(Array.from(kps)).toEqual([384, 288, 0.8999999761581421, 0, 0, 0.5]);
  });

  it('clips only when asked', () => {
    const a = new Float32Array([-64, 0]);
    mapPointsToImage(a, 2, dogMeta);
    expect(a[0]).toBeCloseTo(-76.8, 4);
    const b = new Float32Array([-64, 0]);
    mapPointsToImage(b, 2, dogMeta, true);
    expect(Array.from(b)).toEqual([0, 0]);
  });

  const modes: InputSpec[] = [
    { width: 640, height: 640, resize: 'letterbox' },
    { width: 640, height: 640, resize: 'letterbox', padAlign: 'top-left' },
    { width: 320, height: 256, resize: 'stretch' },
    { width: 320, height: 320, resize: 'fit-longer-edge' },
    { width: 224, height: 224, resize: 'center-crop' },
  ];
  it.each(modes)('round trips image -> network -> image for $resize ($padAlign)', (input) => {
    for (const staticCrop of [undefined, { xMin: 12.5, yMin: 5, xMax: 90, yMax: 77 }]) {
      const { meta } = preprocess(image(301, 203), input, { staticCrop });
      const start = new Float32Array([40.25, 30.5, 150, 100, 250.75, 150.125]);
      const pts = start.slice();
      mapPointsToModel(pts, 2, meta);
      expect(pts).not.toEqual(start);
      mapPointsToImage(pts, 2, meta);
      for (let i = 0; i < pts.length; i++) expect(pts[i]).toBeCloseTo(start[i], 3);
    }
  });

  it('rejects a stride below 2', () => {
    expect(() => mapPointsToImage(new Float32Array(4), 1, dogMeta)).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_INVALID_PARAMETER' }),
    );
  });
});
