import { describe, expect, it } from 'vitest';
import type { RegionMask } from '../detections/mask.js';
import { maskToFull } from '../detections/mask.js';
import type { PreprocessMeta } from '../preprocess/types.js';
import { maskIoU } from './iou.js';
import { masksFromPrototypes } from './prototypes.js';

/**
 * A 128×64 image letterboxed into a 64×64 input: scale 0.5, 16 px of padding
 * above and below. Prototypes are 16×16 (4 network pixels per cell), so
 * original pixel (x, y) sits at prototype ((x·0.5)/4, (y·0.5 + 16)/4).
 */
const meta: PreprocessMeta = {
  originalWidth: 128,
  originalHeight: 64,
  cropX: 0,
  cropY: 0,
  cropWidth: 128,
  cropHeight: 64,
  scaleX: 0.5,
  scaleY: 0.5,
  padX: 0,
  padY: 16,
  inputWidth: 64,
  inputHeight: 64,
};
const MH = 16;
const MW = 16;

/** proto 0: +10 where prototype x < 8 (left half), -10 right; proto 1: +10 where prototype y < 8 (top half), -10 below. */
function halfPrototypes(): Float32Array {
  const p = new Float32Array(2 * MH * MW);
  for (let y = 0; y < MH; y++) {
    for (let x = 0; x < MW; x++) {
      p[y * MW + x] = x < 8 ? 10 : -10;
      p[MH * MW + y * MW + x] = y < 8 ? 10 : -10;
    }
  }
  return p;
}

/** Expected full-image bitmap from a pixel predicate, restricted to a pixel rectangle. */
function expected(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  on: (x: number, y: number) => boolean,
): Uint8Array {
  const out = new Uint8Array(128 * 64);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) out[y * 128 + x] = on(x, y) ? 1 : 0;
  return out;
}

const full = (m: RegionMask) => maskToFull(m, 128, 64);

describe('masksFromPrototypes', () => {
  const protos = halfPrototypes();

  it.each(['accurate', 'fast', 'tradeoff'] as const)(
    '%s: sets the left half of the image for coefficient (1, 0) on a full-image box',
    (mode) => {
      // the box is the image area inside the letterbox: network (0,16)-(64,48)
      const [m] = masksFromPrototypes(
        protos,
        MH,
        MW,
        new Float32Array([1, 0]),
        new Float32Array([0, 16, 64, 48]),
        meta,
        mode,
      );
      expect([m.x0, m.y0, m.width, m.height]).toEqual([0, 0, 128, 64]);
      // prototype x = 8 is network x = 32 is original x = 64
      expect(Array.from(full(m))).toEqual(Array.from(expected(0, 0, 128, 64, (x) => x < 64)));
    },
  );

  it('undoes the letterbox padding vertically: coefficient (0, 1) sets the top half of the original', () => {
    // prototype y = 8 is network y = 32 is original y = (32 - 16) / 0.5 = 32
    const [m] = masksFromPrototypes(
      protos,
      MH,
      MW,
      new Float32Array([0, 1]),
      new Float32Array([0, 16, 64, 48]),
      meta,
      'accurate',
    );
    expect(Array.from(full(m))).toEqual(Array.from(expected(0, 0, 128, 64, (_x, y) => y < 32)));
  });

  it('crops each mask to its own box and combines coefficients (negative ones invert)', () => {
    const boxes = new Float32Array([8, 20, 40, 44, 40, 16, 64, 30]);
    // det 0 selects the left half (coefficient +1 on prototype 0), det 1 the right half (-1)
    const coeffs = new Float32Array([1, 0, -1, 0]);
    const [a, b] = masksFromPrototypes(protos, MH, MW, coeffs, boxes, meta, 'accurate');
    // box 0 in original pixels: x 16..80, y (20-16)/0.5 = 8 .. (44-16)/0.5 = 56
    expect([a.x0, a.y0, a.width, a.height]).toEqual([16, 8, 64, 48]);
    expect(Array.from(full(a))).toEqual(Array.from(expected(16, 8, 80, 56, (x) => x < 64)));
    // box 1: x 80..128, y 0..28; coefficient -1 selects the right half, which is all of it
    expect([b.x0, b.y0, b.width, b.height]).toEqual([80, 0, 48, 28]);
    expect(b.data.every((v) => v === 1)).toBe(true);
  });

  it('clips boxes reaching into the padding to the image', () => {
    const [m] = masksFromPrototypes(
      protos,
      MH,
      MW,
      new Float32Array([1, 0]),
      new Float32Array([-4, 0, 70, 64]),
      meta,
      'fast',
    );
    expect([m.x0, m.y0, m.width, m.height]).toEqual([0, 0, 128, 64]);
  });

  it('gives an empty region for a box entirely in the padding', () => {
    const [m] = masksFromPrototypes(
      protos,
      MH,
      MW,
      new Float32Array([1, 0]),
      new Float32Array([0, 0, 64, 10]),
      meta,
      'accurate',
    );
    expect(m.width * m.height).toBe(0);
    expect(m.data.length).toBe(0);
  });

  it('accurate follows a smooth boundary more closely than fast; tradeoff lies between', () => {
    // a disc-shaped logit field, radius 5 prototype cells around (8, 8): curved edges show the modes apart
    const p = new Float32Array(MH * MW);
    for (let y = 0; y < MH; y++)
      for (let x = 0; x < MW; x++) p[y * MW + x] = 5 - Math.hypot(x + 0.5 - 8, y + 0.5 - 8);
    const box = new Float32Array([0, 16, 64, 48]);
    const run = (mode: 'accurate' | 'fast' | 'tradeoff', f?: number) =>
      full(masksFromPrototypes(p, MH, MW, new Float32Array([1]), box, meta, mode, f)[0]);
    // ideal disc in original pixels: centre (64, 32), radius 5 cells · 4 / 0.5 = 40 px, clipped to the image
    const ideal = expected(0, 0, 128, 64, (x, y) => Math.hypot(x + 0.5 - 64, y + 0.5 - 32) < 40);
    const acc = maskIoU(run('accurate'), ideal);
    const fast = maskIoU(run('fast'), ideal);
    const mid = maskIoU(run('tradeoff', 0.5), ideal);
    expect(acc).toBeGreaterThan(0.97);
    expect(fast).toBeLessThan(acc);
    expect(mid).toBeGreaterThanOrEqual(fast - 0.01);
    expect(Array.from(run('tradeoff', 1))).toEqual(Array.from(run('accurate')));
  });

  it('rejects mismatched coefficient counts and out-of-range tradeoff factors', () => {
    expect(() => masksFromPrototypes(protos, MH, MW, new Float32Array(3), new Float32Array(4), meta)).toThrow(
      /coefficients/,
    );
    expect(() =>
      masksFromPrototypes(protos, MH, MW, new Float32Array(2), new Float32Array(4), meta, 'tradeoff', 2),
    ).toThrow(/tradeoff/);
  });
});
