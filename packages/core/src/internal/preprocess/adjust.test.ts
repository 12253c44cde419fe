import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../image/types.js';
import { applyAdjustments } from './adjust.js';
import { contrastStretchInPlace } from './contrast.js';
import { staticCropRect } from './crop.js';
import { grayscaleInPlace } from './grayscale.js';

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

const pixel = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('staticCropRect', () => {
  it('truncates percent bounds to pixels like Roboflow', () => {
    expect(staticCropRect(768, 576, { xMin: 10, yMin: 0, xMax: 90, yMax: 50 })).toEqual({
      x: 76,
      y: 0,
      width: 615,
      height: 288,
    });
    // 33.3% of 10 = 3.33 -> 3; 66.7% of 10 = 6.67 -> 6
    expect(staticCropRect(10, 10, { xMin: 33.3, yMin: 0, xMax: 66.7, yMax: 100 })).toEqual({
      x: 3,
      y: 0,
      width: 3,
      height: 10,
    });
  });

  it('clamps out-of-range percentages and rejects empty or non-numeric crops', () => {
    expect(staticCropRect(10, 10, { xMin: -5, yMin: 0, xMax: 150, yMax: 100 })).toEqual({
      x: 0,
      y: 0,
      width: 10,
      height: 10,
    });
    const code = { code: 'CORE_ERR_PREPROCESS' };
    expect(() => staticCropRect(10, 10, { xMin: 60, yMin: 0, xMax: 40, yMax: 100 })).toThrow(
      expect.objectContaining(code),
    );
    expect(() => staticCropRect(10, 10, { xMin: 0, yMin: 0, xMax: 10, yMax: 10 })).not.toThrow(); // one pixel
    // 5% of 10 px truncates to 0: nothing left
    expect(() => staticCropRect(10, 10, { xMin: 0, yMin: 0, xMax: 5, yMax: 100 })).toThrow(
      expect.objectContaining(code),
    );
    expect(() => staticCropRect(10, 10, { xMin: 0, yMin: 0, xMax: 9, yMax: Number.NaN })).toThrow(
      expect.objectContaining(code),
    );
  });
});

describe('applyAdjustments', () => {
  const img = makeImage(4, 3, (x, y) => [10 * x, 10 * y, 200]);

  it('returns the input unchanged (same object) when nothing applies', () => {
    expect(applyAdjustments(img, undefined).image).toBe(img);
    expect(applyAdjustments(img, { autoOrient: true }).image).toBe(img);
  });

  it('crops by percent and reports the offset', () => {
    const r = applyAdjustments(img, { staticCrop: { xMin: 25, yMin: 34, xMax: 75, yMax: 100 } });
    expect(r.cropX).toBe(1);
    expect(r.cropY).toBe(1);
    expect(r.image.width).toBe(2);
    expect(r.image.height).toBe(2);
    expect(pixel(r.image, 0, 0)).toEqual([10, 10, 200]);
    expect(pixel(r.image, 1, 1)).toEqual([20, 20, 200]);
  });

  it('converts to gray with 0.299/0.587/0.114 (OpenCV values) in three channels', () => {
    const rgb = makeImage(
      5,
      1,
      (x) =>
        (
          [
            [255, 0, 0],
            [0, 255, 0],
            [0, 0, 255],
            [255, 255, 255],
            [10, 200, 30],
          ] as [number, number, number][]
        )[x],
    );
    const r = applyAdjustments(rgb, { grayscale: true });
    expect([0, 1, 2, 3, 4].map((x) => pixel(r.image, x, 0))).toEqual([
      [76, 76, 76],
      [150, 150, 150],
      [29, 29, 29],
      [255, 255, 255],
      [124, 124, 124], // 0.299*10 + 0.587*200 + 0.114*30 = 123.8
    ]);
    expect(pixel(rgb, 0, 0)).toEqual([255, 0, 0]); // input untouched
  });

  it('applies contrast before grayscale, like Roboflow', () => {
    const src = makeImage(20, 10, (x, y) => [100 + x, 110 + y, 120 + ((x + y) % 7)]);
    const r = applyAdjustments(src, { grayscale: true, contrast: 'contrast-stretching' });
    const expected = src.data.slice();
    contrastStretchInPlace(expected);
    grayscaleInPlace(expected);
    expect(r.image.data).toEqual(expected);
  });

  it('honours the disable flags', () => {
    const adj = {
      staticCrop: { xMin: 50, yMin: 0, xMax: 100, yMax: 100 },
      grayscale: true,
      contrast: 'histogram-equalization' as const,
    };
    const none = applyAdjustments(img, adj, { staticCrop: true, grayscale: true, contrast: true });
    expect(none.image).toBe(img);
    const onlyCrop = applyAdjustments(img, adj, { grayscale: true, contrast: true });
    expect(onlyCrop.cropX).toBe(2);
    expect(pixel(onlyCrop.image, 0, 0)).toEqual([20, 0, 200]);
    const noCrop = applyAdjustments(img, adj, { staticCrop: true, contrast: true });
    expect(noCrop.image.width).toBe(4);
    expect(pixel(noCrop.image, 1, 0)).toEqual(Array(3).fill((10 * 4899 + 200 * 1868 + 8192) >> 14));
  });

  it('rejects an unknown contrast mode', () => {
    expect(() => applyAdjustments(img, { contrast: 'sharpen' as 'contrast-stretching' })).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_PREPROCESS' }),
    );
  });
});
