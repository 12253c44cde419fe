import { describe, expect, it } from 'vitest';
import { detInputSize } from './det.js';
import {
  cropQuad,
  fullImageQuad,
  normalization,
  quadSize,
  resizeInto,
  rotateQuad,
  warpQuadInto,
} from './sampling.js';

/** A 4 x 2 image whose pixel (x, y) is [10x + y, 100 + y, 200 - x]. */
function image() {
  const width = 4;
  const height = 2;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([10 * x + y, 100 + y, 200 - x], (y * width + x) * 3);
  }
  return { data, width, height };
}

describe('quad sampling', () => {
  it('crops the full-image quad back to the same pixels', () => {
    const img = image();
    expect(cropQuad(img, fullImageQuad(img)).data).toEqual(img.data);
  });

  it('turns the content upside down when the corners are relabelled by two', () => {
    const img = image();
    const flipped = cropQuad(img, rotateQuad(fullImageQuad(img), 2));
    const n = img.width * img.height;
    for (let i = 0; i < n; i++) {
      expect(Array.from(flipped.data.subarray(i * 3, i * 3 + 3))).toEqual(
        Array.from(img.data.subarray((n - 1 - i) * 3, (n - i) * 3)),
      );
    }
  });

  it('turns a tall quad into a wide crop a quarter turn counter-clockwise', () => {
    const img = image();
    const turned = rotateQuad(fullImageQuad(img), 1);
    expect(quadSize(turned)).toEqual({ width: 2, height: 4 });
    const crop = cropQuad(img, turned);
    // counter-clockwise: the first output row is the source's last column, read top to bottom
    expect(Array.from(crop.data.subarray(0, 6))).toEqual([30, 100, 197, 31, 101, 197]);
  });

  it('writes normalised BGR planes into the padded tensor and leaves the padding alone', () => {
    const img = image();
    const out = new Float32Array(3 * 2 * 6).fill(-9);
    const norm = normalization('bgr', [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
    warpQuadInto(img, fullImageQuad(img), 4, 2, { out, offset: 0, planeW: 6, planeH: 2 }, norm);
    // plane 0 is blue (200 - x): pixel (0,0) -> 200/127.5 - 1
    expect(out[0]).toBeCloseTo(200 / 127.5 - 1, 5);
    // plane 2 is red: pixel (3,1) = 31
    expect(out[2 * 12 + 6 + 3]).toBeCloseTo(31 / 127.5 - 1, 5);
    expect(out[4]).toBe(-9);
    expect(out[12 + 5]).toBe(-9);
  });

  it('resizes with OpenCV-style centre alignment', () => {
    const img = image();
    const out = new Float32Array(3 * 2 * 2);
    resizeInto(
      img,
      2,
      1,
      { out, offset: 0, planeW: 2, planeH: 1 },
      normalization('rgb', [0, 0, 0], [1 / 255, 1 / 255, 1 / 255]),
    );
    // x' = 0 samples source x = 0.5, y = 0.5: red = mean of 0,10,1,11 = 5.5
    expect(out[0]).toBeCloseTo(5.5, 4);
    expect(out[1]).toBeCloseTo(25.5, 4);
  });
});

describe('detInputSize', () => {
  it('caps the longest side, rounds both sides to multiples of 32 and scales tiny images up', () => {
    expect(detInputSize(1920, 1280)).toEqual({ width: 960, height: 640 });
    expect(detInputSize(640, 413)).toEqual({ width: 640, height: 416 });
    expect(detInputSize(1920, 1280, 640)).toEqual({ width: 640, height: 416 });
    expect(detInputSize(60, 24)).toEqual({ width: 256, height: 96 });
    expect(detInputSize(2000, 10)).toEqual({ width: 960, height: 32 });
  });
});
