import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../image/types.js';
import {
  blendMask,
  clipSegment,
  drawLine,
  fillCircle,
  fillRect,
  opacityToAlpha,
  strokeRect,
} from './draw.js';

const blank = (w: number, h: number): RgbImage => ({ data: new Uint8Array(w * h * 3), width: w, height: h });
const RED = [255, 0, 0] as const;

function setPixels(img: RgbImage): Set<string> {
  const out = new Set<string>();
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) if (img.data[(y * img.width + x) * 3] !== 0) out.add(`${x},${y}`);
  }
  return out;
}

describe('fillRect', () => {
  it('fills exactly the half-open rectangle, clipped to the image', () => {
    const img = blank(10, 8);
    fillRect(img, -3, 6, 2, 20, RED);
    expect([...setPixels(img)].sort()).toEqual(['0,6', '0,7', '1,6', '1,7']);
    fillRect(img, 5, 5, 5, 9, RED); // empty
    fillRect(img, Number.NaN, 0, 4, 4, RED);
    expect(setPixels(img).size).toBe(4);
  });
});

describe('strokeRect', () => {
  it('fills a box thinner than two strokes', () => {
    const img = blank(10, 10);
    strokeRect(img, 2, 2, 5, 5, RED, 2);
    expect(setPixels(img).size).toBe(9);
  });
});

describe('drawLine', () => {
  it('draws a 1 px diagonal with both endpoints and one pixel per step', () => {
    const img = blank(20, 20);
    drawLine(img, 2, 3, 12, 13, RED, 1);
    const s = setPixels(img);
    expect(s.size).toBe(11);
    for (let k = 0; k <= 10; k++) expect(s.has(`${2 + k},${3 + k}`)).toBe(true);
  });

  it('draws a horizontal line exactly `thickness` pixels thick', () => {
    const img = blank(30, 20);
    drawLine(img, 5, 10, 25, 10, RED, 4);
    const s = setPixels(img);
    expect(s.size).toBe(21 * 4);
    for (let x = 5; x <= 25; x++) for (const y of [9, 10, 11, 12]) expect(s.has(`${x},${y}`)).toBe(true);
  });

  it('keeps the perpendicular width on a diagonal close to the thickness', () => {
    const img = blank(60, 60);
    drawLine(img, 10, 10, 50, 50, RED, 5);
    // a 45° line's vertical run is its perpendicular width × √2: 5 px wide -> 7 px tall columns
    const s = setPixels(img);
    let column = 0;
    for (let y = 0; y < 60; y++) if (s.has(`30,${y}`)) column++;
    expect(column).toBe(7);
    expect(column / Math.SQRT2).toBeCloseTo(5, 0);
  });

  it('clips far-away endpoints cheaply and draws the visible part', () => {
    const img = blank(50, 40);
    drawLine(img, -1e9, 20, 1e9, 20, RED, 1);
    const s = setPixels(img);
    expect(s.size).toBe(50);
    for (let x = 0; x < 50; x++) expect(s.has(`${x},20`)).toBe(true);
    const before = setPixels(img).size;
    drawLine(img, -100, -100, -10, -5, RED, 3);
    drawLine(img, 0, Number.POSITIVE_INFINITY, 3, 3, RED, 1);
    expect(setPixels(img).size).toBe(before);
  });
});

describe('clipSegment', () => {
  it('returns the inside part or null', () => {
    expect(clipSegment(-10, 5, 20, 5, 0, 0, 10, 10)).toEqual([0, 5, 10, 5]);
    expect(clipSegment(-10, -10, -5, 20, 0, 0, 10, 10)).toBeNull();
    expect(clipSegment(2, 2, 3, 3, 0, 0, 10, 10)).toEqual([2, 2, 3, 3]);
  });
});

describe('fillCircle', () => {
  it('reaches exactly `radius` pixels from the centre along the axes', () => {
    const img = blank(30, 30);
    fillCircle(img, 15, 15, 4, RED);
    const s = setPixels(img);
    for (const [x, y] of [
      [19, 15],
      [11, 15],
      [15, 19],
      [15, 11],
    ]) {
      expect(s.has(`${x},${y}`)).toBe(true);
    }
    for (const [x, y] of [
      [20, 15],
      [10, 15],
      [15, 20],
      [15, 10],
      [19, 19],
    ]) {
      expect(s.has(`${x},${y}`)).toBe(false);
    }
  });

  it('radius 0 is one pixel; a disc over the corner is clipped', () => {
    const img = blank(10, 10);
    fillCircle(img, 5, 5, 0, RED);
    expect(setPixels(img).size).toBe(1);
    fillCircle(img, 0, 0, 3, RED);
    expect(setPixels(img).has('0,0')).toBe(true);
  });
});

describe('blendMask', () => {
  it('maps opacity to a 0..256 alpha', () => {
    expect([0, 0.25, 0.5, 1, 2, -1, Number.NaN].map(opacityToAlpha)).toEqual([0, 64, 128, 256, 256, 0, 0]);
  });

  it('opacity 1 paints the colour exactly, 0 leaves the image alone', () => {
    const img: RgbImage = { data: new Uint8Array(4 * 4 * 3).fill(77), width: 4, height: 4 };
    const mask = { x0: 1, y0: 1, width: 2, height: 2, data: Uint8Array.from([1, 0, 0, 1]) };
    blendMask(img, mask, [9, 8, 7], 0);
    expect(img.data.every((v) => v === 77)).toBe(true);
    blendMask(img, mask, [9, 8, 7], 1);
    expect(Array.from(img.data.subarray((1 * 4 + 1) * 3, (1 * 4 + 1) * 3 + 3))).toEqual([9, 8, 7]);
    expect(Array.from(img.data.subarray((1 * 4 + 2) * 3, (1 * 4 + 2) * 3 + 3))).toEqual([77, 77, 77]);
  });

  it('rejects a mask whose data is shorter than width × height', () => {
    const img = blank(4, 4);
    expect(() =>
      blendMask(img, { x0: 0, y0: 0, width: 3, height: 3, data: new Uint8Array(4) }, RED, 0.5),
    ).toThrow(/Mask has 4 bytes/);
  });
});
