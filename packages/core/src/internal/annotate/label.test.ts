import { describe, expect, it } from 'vitest';
import { Detections, type DetectionsInit } from '../detections/detections.js';
import type { RgbImage } from '../image/types.js';
import { DEFAULT_PALETTE } from './colors.js';
import { fillRect } from './draw.js';
import { drawText, measureText } from './font.js';
import { LabelAnnotator } from './label.js';

const solid = (w: number, h: number, v: number): RgbImage => ({
  data: new Uint8Array(w * h * 3).fill(v),
  width: w,
  height: h,
});
const px = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
function one(box: number[], extra: Partial<DetectionsInit> = {}, classId = 0, confidence = 0.87): Detections {
  return new Detections({
    xyxy: Float32Array.from(box),
    confidence: Float32Array.of(confidence),
    classId: Int32Array.of(classId),
    ...extra,
  });
}

/** Counts pixels of each colour inside a rectangle and checks the rest of the image is unchanged. */
function inspect(out: RgbImage, input: RgbImage, rect: [number, number, number, number]) {
  const counts = new Map<string, number>();
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      const inside = x >= rect[0] && x < rect[2] && y >= rect[1] && y < rect[3];
      if (!inside) {
        expect(px(out, x, y)).toEqual(px(input, x, y));
        continue;
      }
      const key = px(out, x, y).join(',');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

describe('LabelAnnotator', () => {
  it('composes the text from tracker id, class name or id, and confidence', () => {
    const a = new LabelAnnotator({ classNames: ['person', 'car'] });
    expect(a.labelText(one([0, 0, 1, 1], { trackerId: Int32Array.of(12) }), 0)).toBe('#12 person 0.87');
    expect(a.labelText(one([0, 0, 1, 1], { trackerId: Int32Array.of(-1) }, 1), 0)).toBe('car 0.87');
    expect(a.labelText(one([0, 0, 1, 1], { data: { className: ['dog'] } }, 1), 0)).toBe('dog 0.87');
    expect(a.labelText(one([0, 0, 1, 1], {}, 7, 0.5), 0)).toBe('7 0.50');
    const bare = new LabelAnnotator({ showConfidence: false, showTrackerId: false });
    expect(bare.labelText(one([0, 0, 1, 1], { trackerId: Int32Array.of(3) }, 4), 0)).toBe('4');
  });

  it('draws a background in the class colour above the box with contrasting text inside it, nothing else', () => {
    const input = solid(200, 150, 90);
    const d = one([50, 60, 150, 120], { data: { className: ['person'] } });
    const out = new LabelAnnotator({ textScale: 2, padding: 3 }).annotate(input, d);
    const size = measureText('person 0.87', 2);
    const w = size.width + 6;
    const h = size.height + 6;
    const counts = inspect(out, input, [50, 60 - h, 50 + w, 60]);
    const bg = DEFAULT_PALETTE[0]; // #ff3b30: black contrasts more (5.9:1) than white (3.5:1)
    expect(counts.size).toBe(2);
    expect(counts.get(bg.join(','))).toBeGreaterThan(0);
    expect(counts.get('0,0,0')).toBeGreaterThan(40);
    // exact layout: background then text at the padding offset
    const expected = solid(200, 150, 90);
    fillRect(expected, 50, 60 - h, 50 + w, 60, bg);
    drawText(expected, 53, 60 - h + 3, 'person 0.87', [0, 0, 0], 2);
    expect(out.data).toEqual(expected.data);
  });

  it.each([
    ['dark', '#141450', '255,255,255'],
    ['light', '#fae664', '0,0,0'],
  ])('uses readable text on a %s background', (_, color, text) => {
    const input = solid(120, 80, 128);
    const out = new LabelAnnotator({ color, textScale: 1 }).annotate(input, one([10, 40, 100, 70]));
    const counts = inspect(out, input, [0, 0, 120, 40]);
    expect(counts.get(text)).toBeGreaterThan(20);
  });

  it('moves labels that would leave the image back inside it', () => {
    const input = solid(120, 80, 128);
    const a = new LabelAnnotator({ textScale: 1, padding: 2, color: '#ff0000', showConfidence: false });
    const text = '0';
    const w = measureText(text, 1).width + 4;
    const h = measureText(text, 1).height + 4;
    // box touching the top edge: the label goes to y = 0 instead of above it
    const top = a.annotate(input, one([30, 2, 60, 40]));
    inspect(top, input, [30, 0, 30 + w, h]);
    expect(px(top, 30, 0)).toEqual([255, 0, 0]);
    // box at the right edge: the label is pulled left to end at the border
    const right = a.annotate(input, one([118, 50, 200, 70]));
    inspect(right, input, [120 - w, 50 - h, 120, 50]);
    expect(px(right, 119, 50 - h)).toEqual([255, 0, 0]);
    // box wholly above-left of the image
    const corner = a.annotate(input, one([-80, -60, -40, -20]));
    inspect(corner, input, [0, 0, w, h]);
    expect(px(corner, 0, 0)).toEqual([255, 0, 0]);
  });

  it('skips empty texts and non-finite boxes, and honours a fixed text colour', () => {
    const input = solid(60, 40, 10);
    expect(new LabelAnnotator({ text: () => '' }).annotate(input, one([5, 20, 30, 30])).data).toEqual(
      input.data,
    );
    expect(new LabelAnnotator().annotate(input, one([Number.NaN, 20, 30, 30])).data).toEqual(input.data);
    const out = new LabelAnnotator({ textColor: '#00ff00', color: '#000000', textScale: 1 }).annotate(
      input,
      one([5, 20, 50, 30]),
    );
    const counts = inspect(out, input, [0, 0, 60, 20]);
    expect(counts.get('0,255,0')).toBeGreaterThan(10);
  });
});
