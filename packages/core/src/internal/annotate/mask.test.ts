import { describe, expect, it } from 'vitest';
import { Detections } from '../detections/detections.js';
import type { RegionMask } from '../detections/mask.js';
import type { RgbImage } from '../image/types.js';
import { MaskAnnotator } from './mask.js';

const solid = (w: number, h: number, rgb: number[]): RgbImage => {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3];
  return { data, width: w, height: h };
};
const px = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
function withMasks(masks: RegionMask[]): Detections {
  const n = masks.length;
  return new Detections({
    xyxy: new Float32Array(n * 4),
    confidence: new Float32Array(n).fill(0.9),
    classId: new Int32Array(n),
    masks,
  });
}
const isSet = (m: RegionMask, x: number, y: number) =>
  x >= m.x0 &&
  x < m.x0 + m.width &&
  y >= m.y0 &&
  y < m.y0 + m.height &&
  m.data[(y - m.y0) * m.width + (x - m.x0)] !== 0;

describe('MaskAnnotator', () => {
  // (src * (256 - a) + c * a + 128) >> 8 by hand, src (10, 200, 40), colour (200, 100, 0)
  it.each([
    [0.5, [105, 150, 20]],
    [0.25, [58, 175, 30]],
    [1, [200, 100, 0]],
  ])('blends exactly at opacity %d and leaves unmasked pixels alone', (opacity, expected) => {
    const input = solid(16, 12, [10, 200, 40]);
    const mask: RegionMask = {
      x0: 5,
      y0: 6,
      width: 4,
      height: 3,
      data: Uint8Array.from([1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 1]),
    };
    const out = new MaskAnnotator({ opacity, color: '#c86400' }).annotate(input, withMasks([mask]));
    for (let y = 0; y < 12; y++) {
      for (let x = 0; x < 16; x++)
        expect(px(out, x, y)).toEqual(isSet(mask, x, y) ? expected : [10, 200, 40]);
    }
  });

  it('defaults to opacity 0.5', () => {
    const mask: RegionMask = { x0: 0, y0: 0, width: 1, height: 1, data: Uint8Array.of(1) };
    const out = new MaskAnnotator({ color: '#c86400' }).annotate(
      solid(2, 2, [10, 200, 40]),
      withMasks([mask]),
    );
    expect(px(out, 0, 0)).toEqual([105, 150, 20]);
  });

  it('clips masks reaching outside the image', () => {
    const mask: RegionMask = { x0: -2, y0: -3, width: 5, height: 5, data: new Uint8Array(25).fill(1) };
    const out = new MaskAnnotator({ opacity: 1, color: '#ffffff' }).annotate(
      solid(4, 4, [0, 0, 0]),
      withMasks([mask]),
    );
    expect(px(out, 2, 1)).toEqual([255, 255, 255]);
    expect(px(out, 3, 1)).toEqual([0, 0, 0]);
    expect(px(out, 2, 2)).toEqual([0, 0, 0]);
  });

  it('draws larger masks first so a small mask on a big one stays on top', () => {
    const small: RegionMask = { x0: 2, y0: 2, width: 1, height: 1, data: Uint8Array.of(1) };
    const big: RegionMask = { x0: 0, y0: 0, width: 5, height: 5, data: new Uint8Array(25).fill(1) };
    const d = new Detections({
      xyxy: new Float32Array(8),
      confidence: Float32Array.of(0.9, 0.9),
      classId: Int32Array.of(0, 1),
      masks: [small, big],
    });
    const out = new MaskAnnotator({ opacity: 1, palette: ['#0000ff', '#00ff00'] }).annotate(
      solid(5, 5, [0, 0, 0]),
      d,
    );
    expect(px(out, 2, 2)).toEqual([0, 0, 255]);
    expect(px(out, 1, 1)).toEqual([0, 255, 0]);
  });

  it('returns an unchanged copy without masks and validates opacity', () => {
    const input = solid(3, 3, [1, 2, 3]);
    const d = new Detections({
      xyxy: new Float32Array(4),
      confidence: Float32Array.of(1),
      classId: Int32Array.of(0),
    });
    const out = new MaskAnnotator().annotate(input, d);
    expect(out.data).toEqual(input.data);
    expect(out.data).not.toBe(input.data);
    expect(() => new MaskAnnotator({ opacity: 1.5 })).toThrow(/opacity/);
    expect(() => new MaskAnnotator({ opacity: Number.NaN })).toThrow(/opacity/);
  });
});
