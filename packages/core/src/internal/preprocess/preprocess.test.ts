import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../image/types.js';
import type { ImageAdjustments, InputSpec } from '../manifest/types.js';
import { applyAdjustments } from './adjust.js';
import { cropImage, staticCropRect } from './crop.js';
import { preprocess, preprocessBatch, preprocessInto } from './preprocess.js';

function makeImage(
  width: number,
  height: number,
  f: (x: number, y: number) => [number, number, number],
): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 3);
  }
  return { data, width, height };
}

/** Value of network plane `c` at (x, y). */
const at = (data: Float32Array, input: InputSpec, c: number, x: number, y: number, n = 0) =>
  data[n * 3 * input.width * input.height + c * input.width * input.height + y * input.width + x];

// R = 20x + 40y, G = 100 + 10x, B = 7: linear, so bilinear samples are exact.
const small = makeImage(4, 2, (x, y) => [20 * x + 40 * y, 100 + 10 * x, 7]);

describe('preprocess: exact values', () => {
  it('letterboxes 4x2 into 8x8 with centred pad rows, bilinear rows and a correct meta', () => {
    const input: InputSpec = { width: 8, height: 8, resize: 'letterbox', scale: 1 };
    const { data, meta } = preprocess(small, input);
    expect(data.length).toBe(3 * 8 * 8);
    expect(meta).toEqual({
      originalWidth: 4,
      originalHeight: 2,
      cropX: 0,
      cropY: 0,
      cropWidth: 4,
      cropHeight: 2,
      scaleX: 2,
      scaleY: 2,
      padX: 0,
      padY: 2,
      inputWidth: 8,
      inputHeight: 8,
    });
    // half-pixel centres, clamped at the edges: source x for each output column / y for each image row
    const fx = [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3];
    const fy = [0, 0.25, 0.75, 1];
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        if (y < 2 || y >= 6) {
          for (let c = 0; c < 3; c++) expect(at(data, input, c, x, y)).toBe(114);
        } else {
          expect(at(data, input, 0, x, y)).toBeCloseTo(20 * fx[x] + 40 * fy[y - 2], 4);
          expect(at(data, input, 1, x, y)).toBeCloseTo(100 + 10 * fx[x], 4);
          expect(at(data, input, 2, x, y)).toBeCloseTo(7, 5);
        }
      }
    }
  });

  it('applies the default 1/255 scale to pixels and padding', () => {
    const input: InputSpec = { width: 8, height: 8, resize: 'letterbox' };
    const { data } = preprocess(small, input);
    expect(at(data, input, 0, 0, 0)).toBeCloseTo(114 / 255, 6);
    expect(at(data, input, 1, 0, 2)).toBeCloseTo(100 / 255, 6);
  });

  it('matches a hand-computed bilinear value on a non-linear image', () => {
    const img = makeImage(2, 2, (x, y) => [[0, 100, 50, 250][y * 2 + x], 0, 0]);
    const input: InputSpec = { width: 4, height: 4, resize: 'stretch', scale: 1 };
    const { data } = preprocess(img, input);
    // (1,1): fx = fy = 0.25 -> (0*.75 + 100*.25)*.75 + (50*.75 + 250*.25)*.25
    expect(at(data, input, 0, 1, 1)).toBeCloseTo(43.75, 5);
    // (2,1): fx = .75, fy = .25 -> 75*.75 + 200*.25
    expect(at(data, input, 0, 2, 1)).toBeCloseTo(106.25, 5);
    expect(at(data, input, 0, 3, 3)).toBe(250);
  });

  it('stretches each axis independently without padding', () => {
    const input: InputSpec = { width: 8, height: 8, resize: 'stretch', scale: 1 };
    const { data, meta } = preprocess(small, input);
    expect(meta).toMatchObject({ scaleX: 2, scaleY: 4, padX: 0, padY: 0 });
    // row 0: fy = (0.5 / 4) - 0.5 < 0 -> 0; row 7: fy = 7.5/4 - 0.5 = 1.375 -> clamped to 1
    expect(at(data, input, 0, 1, 0)).toBeCloseTo(5, 4);
    expect(at(data, input, 0, 1, 7)).toBeCloseTo(45, 4);
    // row 3: fy = 3.5/4 - 0.5 = 0.375
    expect(at(data, input, 0, 0, 3)).toBeCloseTo(15, 4);
  });

  it('centre-crops with a negative pad', () => {
    const input: InputSpec = { width: 2, height: 2, resize: 'center-crop', scale: 1 };
    const { data, meta } = preprocess(small, input);
    expect(meta).toMatchObject({ scaleX: 1, scaleY: 1, padX: -1, padY: 0 });
    // the network sees source columns 1 and 2 unchanged
    expect([0, 1].map((x) => at(data, input, 0, x, 0))).toEqual([20, 40]);
    expect([0, 1].map((x) => at(data, input, 0, x, 1))).toEqual([60, 80]);
    expect([0, 1].map((x) => at(data, input, 1, x, 1))).toEqual([110, 120]);
  });

  it('top-left letterbox (YOLOX) puts the image at the origin and pads bottom/right with padColor', () => {
    const input: InputSpec = {
      width: 8,
      height: 8,
      resize: 'letterbox',
      padAlign: 'top-left',
      padColor: [10, 20, 30],
      scale: 1,
    };
    const { data, meta } = preprocess(small, input);
    expect(meta).toMatchObject({ padX: 0, padY: 0, scaleX: 2, scaleY: 2 });
    expect(at(data, input, 0, 1, 1)).toBeCloseTo(15, 4);
    for (const y of [4, 7]) expect([0, 1, 2].map((c) => at(data, input, c, 3, y))).toEqual([10, 20, 30]);
  });

  it('fit-longer-edge pads bottom/right only', () => {
    const img = makeImage(2, 4, () => [1, 2, 3]);
    const input: InputSpec = {
      width: 8,
      height: 8,
      resize: 'fit-longer-edge',
      scale: 1,
      padColor: [0, 0, 0],
    };
    const { data, meta } = preprocess(img, input);
    expect(meta).toMatchObject({ scaleX: 2, scaleY: 2, padX: 0, padY: 0 });
    expect(at(data, input, 2, 3, 7)).toBe(3);
    expect(at(data, input, 2, 4, 0)).toBe(0);
  });

  it('bgr order with mean/std in network channel order, padding included', () => {
    const img = makeImage(2, 1, () => [51, 102, 153]);
    const input: InputSpec = {
      width: 2,
      height: 2,
      resize: 'letterbox',
      colorOrder: 'bgr',
      padColor: [10, 20, 30],
      mean: [0.5, 0.4, 0.3],
      std: [0.1, 0.2, 0.3],
    };
    const { data, meta } = preprocess(img, input);
    expect(meta.padY).toBe(0); // 2x1 -> 2x1 at the top, one pad row below
    expect(at(data, input, 0, 0, 0)).toBeCloseTo((153 / 255 - 0.5) / 0.1, 5);
    expect(at(data, input, 1, 1, 0)).toBeCloseTo((102 / 255 - 0.4) / 0.2, 5);
    expect(at(data, input, 2, 0, 0)).toBeCloseTo((51 / 255 - 0.3) / 0.3, 5);
    expect(at(data, input, 0, 0, 1)).toBeCloseTo((30 / 255 - 0.5) / 0.1, 5);
    expect(at(data, input, 2, 1, 1)).toBeCloseTo((10 / 255 - 0.3) / 0.3, 5);
  });

  it('area-averages when shrinking by more than 2x, bilinear (= 2x2 mean) at exactly 2x', () => {
    const img = makeImage(9, 9, (x, y) => [(x * 37 + y * 91) % 256, (x * y * 13) % 256, 0]);
    const mean = (x0: number, y0: number, k: number, c: number) => {
      let s = 0;
      for (let y = y0; y < y0 + k; y++) for (let x = x0; x < x0 + k; x++) s += img.data[(y * 9 + x) * 3 + c];
      return s / (k * k);
    };
    const third: InputSpec = { width: 3, height: 3, resize: 'stretch', scale: 1 };
    const a = preprocess(img, third).data;
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < 3; x++) {
        expect(at(a, third, 0, x, y)).toBeCloseTo(mean(3 * x, 3 * y, 3, 0), 3);
        expect(at(a, third, 1, x, y)).toBeCloseTo(mean(3 * x, 3 * y, 3, 1), 3);
      }
    }
    const img8 = makeImage(8, 8, (x, y) => [(x * 37 + y * 91) % 256, 0, 0]);
    const half: InputSpec = { width: 4, height: 4, resize: 'stretch', scale: 1 };
    const b = preprocess(img8, half).data;
    const px = (x: number, y: number) => img8.data[(y * 8 + x) * 3];
    expect(at(b, half, 0, 1, 2)).toBeCloseTo((px(2, 4) + px(3, 4) + px(2, 5) + px(3, 5)) / 4, 4);
  });
});

describe('preprocess: round trip through the meta', () => {
  // R = x, G = y of the original image: the sampled value tells where a network pixel came from.
  const ramp = makeImage(200, 150, (x, y) => [x, y, 0]);
  const crop: ImageAdjustments = { staticCrop: { xMin: 10, yMin: 20, xMax: 85, yMax: 90 } };
  const cases: [string, InputSpec, ImageAdjustments | undefined, number][] = [
    ['stretch up', { width: 320, height: 256, resize: 'stretch', scale: 1 }, undefined, 1e-3],
    ['letterbox down', { width: 160, height: 160, resize: 'letterbox', scale: 1 }, undefined, 1e-3],
    [
      'letterbox top-left',
      { width: 170, height: 90, resize: 'letterbox', padAlign: 'top-left', scale: 1 },
      crop,
      1e-3,
    ],
    ['fit-longer-edge', { width: 250, height: 250, resize: 'fit-longer-edge', scale: 1 }, crop, 1e-3],
    ['center-crop', { width: 96, height: 96, resize: 'center-crop', scale: 1 }, undefined, 1e-3],
    ['letterbox + static crop', { width: 224, height: 224, resize: 'letterbox', scale: 1 }, crop, 1e-3],
    ['area (4x shrink)', { width: 50, height: 50, resize: 'letterbox', scale: 1 }, undefined, 0.05],
    ['area + static crop', { width: 40, height: 30, resize: 'stretch', scale: 1 }, crop, 0.5],
  ];
  it.each(cases)(
    '%s: network pixel centres map back to the source position they sampled',
    (_n, input, adj, tol) => {
      const { data, meta } = preprocess(ramp, input, adj);
      let checked = 0;
      for (let y = 0; y < input.height; y++) {
        for (let x = 0; x < input.width; x++) {
          // pixel-edge coordinates in the original: pixel k spans [k, k + 1) and holds value k
          const u = (x + 0.5 - meta.padX) / meta.scaleX + meta.cropX;
          const v = (y + 0.5 - meta.padY) / meta.scaleY + meta.cropY;
          const inside = (p: number, lo: number, size: number) => p >= lo + 0.5 && p <= lo + size - 0.5;
          if (!inside(u, meta.cropX, meta.cropWidth) || !inside(v, meta.cropY, meta.cropHeight)) continue;
          expect(Math.abs(at(data, input, 0, x, y) - (u - 0.5))).toBeLessThanOrEqual(tol);
          expect(Math.abs(at(data, input, 1, x, y) - (v - 0.5))).toBeLessThanOrEqual(tol);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(input.width * input.height * 0.3);
    },
  );
});

describe('preprocess: adjustments and batching', () => {
  const img = makeImage(40, 30, (x, y) => [(x * 7 + y) % 256, (y * 9) % 256, (x * y) % 256]);
  const input: InputSpec = { width: 32, height: 32, resize: 'letterbox' };

  it('samples a static crop in place exactly as from a cropped copy, with the crop in the meta', () => {
    const staticCrop = { xMin: 25, yMin: 10, xMax: 75, yMax: 100 };
    const a = preprocess(img, input, { staticCrop });
    const rect = staticCropRect(40, 30, staticCrop);
    const b = preprocess(cropImage(img, rect), input);
    expect(a.data).toEqual(b.data);
    expect(a.meta).toMatchObject({ cropX: 10, cropY: 3, cropWidth: 20, cropHeight: 27, originalWidth: 40 });
  });

  it('grayscale/contrast go through applyAdjustments', () => {
    const adj: ImageAdjustments = { staticCrop: { xMin: 0, yMin: 0, xMax: 50, yMax: 50 }, grayscale: true };
    const a = preprocess(img, input, adj);
    const adjusted = applyAdjustments(img, adj);
    expect(a.data).toEqual(preprocess(adjusted.image, input).data);
    expect(at(a.data, input, 0, 16, 16)).toBe(at(a.data, input, 2, 16, 16));
  });

  it('disable flags turn adjustments off', () => {
    const adj: ImageAdjustments = {
      staticCrop: { xMin: 50, yMin: 0, xMax: 100, yMax: 100 },
      grayscale: true,
    };
    const off = preprocess(img, input, adj, { staticCrop: true, grayscale: true });
    expect(off).toEqual(preprocess(img, input));
    expect(off.meta.cropX).toBe(0);
  });

  it('preprocessBatch writes each image where preprocess would, with its own meta', () => {
    const other = makeImage(17, 45, (x, y) => [x, y, 200]);
    const batch = preprocessBatch([img, other], input);
    const size = 3 * 32 * 32;
    expect(batch.data.length).toBe(2 * size);
    expect(batch.data.subarray(0, size)).toEqual(preprocess(img, input).data);
    expect(batch.data.subarray(size)).toEqual(preprocess(other, input).data);
    expect(batch.metas).toEqual([preprocess(img, input).meta, preprocess(other, input).meta]);
  });

  it('preprocessInto touches only its own slot', () => {
    const buf = new Float32Array(2 * 3 * 32 * 32).fill(Number.NaN);
    preprocessInto(img, input, buf, 3 * 32 * 32);
    expect(Number.isNaN(buf[3 * 32 * 32 - 1])).toBe(true);
    expect(buf.subarray(3 * 32 * 32).every((v) => Number.isFinite(v))).toBe(true);
  });

  it.each<[string, () => unknown, string]>([
    ['a too small buffer', () => preprocessInto(img, input, new Float32Array(10), 0), 'CORE_ERR_PREPROCESS'],
    [
      'an inconsistent image',
      () => preprocess({ data: new Uint8Array(5), width: 2, height: 2 }, input),
      'CORE_ERR_PREPROCESS',
    ],
    [
      'an empty image',
      () => preprocess({ data: new Uint8Array(0), width: 0, height: 0 }, input),
      'CORE_ERR_IMAGE_EMPTY',
    ],
    [
      'an empty static crop',
      () => preprocess(img, input, { staticCrop: { xMin: 50, yMin: 0, xMax: 50, yMax: 100 } }),
      'CORE_ERR_PREPROCESS',
    ],
  ])('rejects %s', (_n, f, code) => {
    expect(f).toThrow(expect.objectContaining({ code }));
  });
});
