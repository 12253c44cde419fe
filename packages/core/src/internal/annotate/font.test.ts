import { describe, expect, it } from 'vitest';
import type { RgbImage } from '../image/types.js';
import { drawText, GLYPH_ADVANCE, GLYPH_HEIGHT, measureText } from './font.js';

const blank = (w: number, h: number): RgbImage => ({ data: new Uint8Array(w * h * 3), width: w, height: h });
const WHITE = [255, 255, 255] as const;

/** Set pixels as a string of '#' and '.' rows, for exact comparisons. */
function bitmap(img: RgbImage): string[] {
  const rows: string[] = [];
  for (let y = 0; y < img.height; y++) {
    let row = '';
    for (let x = 0; x < img.width; x++) row += img.data[(y * img.width + x) * 3] ? '#' : '.';
    rows.push(row);
  }
  return rows;
}

function render(text: string, scale = 1): string[] {
  const { width, height } = measureText(text, scale);
  const img = blank(Math.max(1, width), height);
  drawText(img, 0, 0, text, WHITE, scale);
  return bitmap(img);
}

describe('measureText', () => {
  it('is advance × chars minus the trailing spacing, times scale', () => {
    expect(measureText('dog 0.87', 2)).toEqual({ width: 94, height: 16 });
    expect(measureText('A', 1)).toEqual({ width: 5, height: GLYPH_HEIGHT });
    expect(measureText('', 3)).toEqual({ width: 0, height: 24 });
  });

  it('counts a non-ASCII code point (even a surrogate pair) as one character', () => {
    expect(measureText('é😀', 1).width).toBe(2 * GLYPH_ADVANCE - 1);
  });
});

describe('drawText', () => {
  it('draws the letter A as designed', () => {
    expect(render('A')).toEqual(['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#', '.....']);
  });

  it('gives every printable ASCII character (but space) a distinct, non-empty glyph', () => {
    const seen = new Map<string, string>();
    for (let c = 33; c <= 126; c++) {
      const ch = String.fromCharCode(c);
      const key = render(ch).join('/');
      expect(key.includes('#'), `glyph ${ch} is empty`).toBe(true);
      expect(seen.get(key), `glyph ${ch} duplicates ${seen.get(key)}`).toBeUndefined();
      seen.set(key, ch);
    }
    expect(render(' ').join('')).not.toContain('#');
  });

  it('draws only inside the measured box', () => {
    const img = blank(200, 40);
    const text = 'Hello, world_ gjpqy 0.87';
    drawText(img, 7, 9, text, WHITE, 1);
    const { width, height } = measureText(text, 1);
    let inside = 0;
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        if (img.data[(y * img.width + x) * 3] === 0) continue;
        expect(x >= 7 && x < 7 + width && y >= 9 && y < 9 + height).toBe(true);
        inside++;
      }
    }
    expect(inside).toBeGreaterThan(50);
  });

  it('scales each font pixel to an exact scale×scale square', () => {
    const one = render('Ab9?');
    const three = render('Ab9?', 3);
    for (let y = 0; y < three.length; y++) {
      for (let x = 0; x < three[0].length; x++)
        expect(three[y][x]).toBe(one[Math.floor(y / 3)][Math.floor(x / 3)]);
    }
  });

  it("draws non-ASCII characters as '?'", () => {
    expect(render('é')).toEqual(render('?'));
    expect(render('a😀b')).toEqual(render('a?b'));
    expect(render('\t')).toEqual(render('?'));
  });

  it('clips at every edge without throwing and keeps the visible part', () => {
    const full = render('XYZ', 2);
    const img = blank(20, 10);
    drawText(img, -6, -4, 'XYZ', WHITE, 2);
    const got = bitmap(img);
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 20; x++) {
        const sy = y + 4;
        const sx = x + 6;
        const want = sy < full.length && sx < full[0].length ? full[sy][sx] : '.';
        expect(got[y][x]).toBe(want);
      }
    }
    expect(() => drawText(img, 1e9, -1e9, 'far', WHITE, 4)).not.toThrow();
    expect(() => drawText(img, Number.NaN, 0, 'nan', WHITE, 1)).not.toThrow();
  });
});
