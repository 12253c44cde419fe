import { describe, expect, it } from 'vitest';
import type { InputSpec } from '../manifest/types.js';
import { resizeGeometry, roundHalfEven, validateInputSpec } from './geometry.js';

const spec = (width: number, height: number, rest: Partial<InputSpec> = {}): InputSpec => ({
  width,
  height,
  resize: 'letterbox',
  ...rest,
});

describe('roundHalfEven', () => {
  it.each([
    [2.5, 2],
    [3.5, 4],
    [4.4, 4],
    [4.6, 5],
    [7, 7],
  ])('round(%d) = %d like Python', (v, r) => expect(roundHalfEven(v)).toBe(r));
});

describe('resizeGeometry', () => {
  it('letterbox centre puts dog.jpg-sized input in the middle rows', () => {
    const g = resizeGeometry(768, 576, spec(640, 640));
    expect(g).toMatchObject({ resizedWidth: 640, resizedHeight: 480, padX: 0, padY: 80 });
    expect(g.scaleX).toBeCloseTo(640 / 768, 12);
    expect(g.scaleY).toBeCloseTo(480 / 576, 12);
  });

  it('letterbox centre with odd padding puts the smaller half first (Ultralytics round(dh/2 - 0.1))', () => {
    // 4x2 -> 8x7: scaled 8x4, dh = 3 -> top 1, bottom 2
    expect(resizeGeometry(4, 2, spec(8, 7))).toMatchObject({
      resizedWidth: 8,
      resizedHeight: 4,
      padX: 0,
      padY: 1,
    });
  });

  it('letterbox centre rounds the scaled size, top-left (YOLOX) truncates it', () => {
    // 5x7 -> 8x8: s = 8/7, 5 * s = 5.71
    expect(resizeGeometry(5, 7, spec(8, 8)).resizedWidth).toBe(6);
    expect(resizeGeometry(5, 7, spec(8, 8)).padX).toBe(1);
    const tl = resizeGeometry(5, 7, spec(8, 8, { padAlign: 'top-left' }));
    expect(tl).toMatchObject({ resizedWidth: 5, resizedHeight: 8, padX: 0, padY: 0 });
    expect(tl.scaleX).toBe(1);
  });

  it('fit-longer-edge keeps aspect with the image at the origin', () => {
    expect(resizeGeometry(4, 2, spec(8, 8, { resize: 'fit-longer-edge' }))).toEqual({
      resizedWidth: 8,
      resizedHeight: 4,
      scaleX: 2,
      scaleY: 2,
      padX: 0,
      padY: 0,
    });
  });

  it('stretch scales axes independently', () => {
    expect(resizeGeometry(4, 2, spec(8, 8, { resize: 'stretch' }))).toEqual({
      resizedWidth: 8,
      resizedHeight: 8,
      scaleX: 2,
      scaleY: 4,
      padX: 0,
      padY: 0,
    });
  });

  it('center-crop fills the input and has a negative pad', () => {
    expect(resizeGeometry(4, 2, spec(2, 2, { resize: 'center-crop' }))).toEqual({
      resizedWidth: 4,
      resizedHeight: 2,
      scaleX: 1,
      scaleY: 1,
      padX: -1,
      padY: 0,
    });
    expect(resizeGeometry(768, 576, spec(224, 224, { resize: 'center-crop' }))).toMatchObject({
      resizedWidth: 299,
      resizedHeight: 224,
      padX: -37,
      padY: 0,
    });
  });
});

describe('validateInputSpec', () => {
  it.each<[string, Partial<InputSpec>]>([
    ['zero width', { width: 0 }],
    ['fractional height', { height: 1.5 }],
    ['zero std', { std: [1, 0, 1] }],
    ['short mean', { mean: [1, 2] as unknown as [number, number, number] }],
    ['bad colour order', { colorOrder: 'rbg' as 'rgb' }],
    ['infinite scale', { scale: Number.POSITIVE_INFINITY }],
  ])('rejects %s', (_name, patch) => {
    expect(() => validateInputSpec(spec(8, 8, patch))).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_PREPROCESS' }),
    );
  });

  it('rejects an unknown resize mode', () => {
    expect(() => resizeGeometry(4, 4, spec(8, 8, { resize: 'squash' as 'stretch' }))).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_PREPROCESS' }),
    );
  });

  it('accepts a full spec', () => {
    expect(() =>
      validateInputSpec(
        spec(8, 8, { mean: [0.5, 0.5, 0.5], std: [0.2, 0.2, 0.2], scale: 1, colorOrder: 'bgr' }),
      ),
    ).not.toThrow();
  });
});
