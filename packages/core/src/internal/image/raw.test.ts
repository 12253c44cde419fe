import { describe, expect, it } from 'vitest';
import { imageFromSharpRaw, rawFrameToRgb, validateRgbImage } from './raw.js';
import type { RawFrame } from './types.js';

describe('rawFrameToRgb', () => {
  // Two pixels: (1, 2, 3) and (4, 5, 6) in RGB.
  const cases: Array<{ format: RawFrame['format']; data: number[]; expected: number[] }> = [
    { format: 'rgb', data: [1, 2, 3, 4, 5, 6], expected: [1, 2, 3, 4, 5, 6] },
    { format: 'bgr', data: [3, 2, 1, 6, 5, 4], expected: [1, 2, 3, 4, 5, 6] },
    { format: 'rgba', data: [1, 2, 3, 255, 4, 5, 6, 0], expected: [1, 2, 3, 4, 5, 6] },
    { format: 'gray', data: [7, 9], expected: [7, 7, 7, 9, 9, 9] },
  ];
  it.each(cases)('$format converts exactly', ({ format, data, expected }) => {
    const image = rawFrameToRgb({ data: Uint8Array.from(data), width: 2, height: 1, format });
    expect([image.width, image.height]).toEqual([2, 1]);
    expect(Array.from(image.data)).toEqual(expected);
  });

  it('accepts Uint8ClampedArray and Buffer data', () => {
    const clamped = rawFrameToRgb({
      data: Uint8ClampedArray.of(3, 2, 1),
      width: 1,
      height: 1,
      format: 'bgr',
    });
    expect(Array.from(clamped.data)).toEqual([1, 2, 3]);
    const buffer = rawFrameToRgb({ data: Buffer.from([5]), width: 1, height: 1, format: 'gray' });
    expect(Array.from(buffer.data)).toEqual([5, 5, 5]);
  });

  it('does not copy an rgb frame', () => {
    const data = new Uint8Array(12);
    expect(rawFrameToRgb({ data, width: 2, height: 2, format: 'rgb' }).data).toBe(data);
  });

  it('converts a subarray view from its own offset', () => {
    const backing = Uint8Array.of(99, 99, 30, 20, 10);
    const image = rawFrameToRgb({ data: backing.subarray(2), width: 1, height: 1, format: 'bgr' });
    expect(Array.from(image.data)).toEqual([10, 20, 30]);
  });

  const bad: Array<{ name: string; frame: unknown }> = [
    { name: 'short data', frame: { data: new Uint8Array(5), width: 2, height: 1, format: 'rgb' } },
    { name: 'long data', frame: { data: new Uint8Array(7), width: 2, height: 1, format: 'rgb' } },
    { name: 'rgba length as rgb', frame: { data: new Uint8Array(8), width: 2, height: 1, format: 'rgb' } },
    { name: 'zero width', frame: { data: new Uint8Array(0), width: 0, height: 1, format: 'rgb' } },
    { name: 'negative height', frame: { data: new Uint8Array(3), width: 1, height: -1, format: 'rgb' } },
    { name: 'fractional width', frame: { data: new Uint8Array(3), width: 1.5, height: 1, format: 'rgb' } },
    { name: 'NaN height', frame: { data: new Uint8Array(3), width: 1, height: Number.NaN, format: 'rgb' } },
    { name: 'string width', frame: { data: new Uint8Array(3), width: '1', height: 1, format: 'rgb' } },
    { name: 'unknown format', frame: { data: new Uint8Array(3), width: 1, height: 1, format: 'yuv' } },
    {
      name: 'inherited key as format',
      frame: { data: new Uint8Array(3), width: 1, height: 1, format: 'toString' },
    },
    { name: 'float data', frame: { data: new Float32Array(3), width: 1, height: 1, format: 'rgb' } },
    { name: 'array data', frame: { data: [1, 2, 3], width: 1, height: 1, format: 'rgb' } },
  ];
  it.each(bad)('$name -> CORE_ERR_IMAGE_RAW_FRAME', ({ frame }) => {
    expect(() => rawFrameToRgb(frame as RawFrame)).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_IMAGE_RAW_FRAME' }),
    );
  });
});

describe('validateRgbImage', () => {
  it('returns a consistent image unchanged', () => {
    const image = { data: new Uint8Array(6), width: 2, height: 1 };
    expect(validateRgbImage(image)).toBe(image);
  });
  it('refuses a length mismatch', () => {
    expect(() => validateRgbImage({ data: new Uint8Array(5), width: 2, height: 1 })).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_IMAGE_RAW_FRAME' }),
    );
  });
});

describe('imageFromSharpRaw', () => {
  it.each([
    { channels: 1, data: [8], expected: [8, 8, 8] },
    { channels: 2, data: [8, 0], expected: [8, 8, 8] },
    { channels: 3, data: [1, 2, 3], expected: [1, 2, 3] },
    { channels: 4, data: [1, 2, 3, 4], expected: [1, 2, 3] },
  ])('$channels channels -> RGB', ({ channels, data, expected }) => {
    const image = imageFromSharpRaw({ data: Uint8Array.from(data), info: { width: 1, height: 1, channels } });
    expect(Array.from(image.data)).toEqual(expected);
  });
});
