import { describe, expect, it } from 'vitest';
import { Detections } from '../detections/detections.js';
import { isInferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import { BoxAnnotator } from './box.js';
import { DEFAULT_PALETTE } from './colors.js';

/** Deterministic noise in 0..200, so a drawn 255 channel is always a change. */
function noise(w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  let s = 12345;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s >>> 16) % 201;
  }
  return { data, width: w, height: h };
}
const px = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
const boxes = (...b: number[][]) =>
  new Detections({
    xyxy: Float32Array.from(b.flat()),
    confidence: new Float32Array(b.length).fill(0.9),
    classId: Int32Array.from(b.map((_, i) => i)),
  });
const RED = [255, 0, 0];

describe('BoxAnnotator', () => {
  it('changes exactly the outline pixels, inside the box, and nothing else', () => {
    const img = noise(100, 90);
    const out = new BoxAnnotator({ thickness: 3, color: '#ff0000' }).annotate(img, boxes([20, 30, 60, 70]));
    for (let y = 0; y < 90; y++) {
      for (let x = 0; x < 100; x++) {
        const inBox = x >= 20 && x < 60 && y >= 30 && y < 70;
        const onOutline = inBox && (x < 23 || x >= 57 || y < 33 || y >= 67);
        expect(px(out, x, y)).toEqual(onOutline ? RED : px(img, x, y));
      }
    }
  });

  it.each([1, 2, 5, 8])('draws an outline exactly %i px thick on every side', (t) => {
    const out = new BoxAnnotator({ thickness: t, color: '#ff0000' }).annotate(
      noise(80, 80),
      boxes([10, 12, 70, 66]),
    );
    const run = (xs: number[], ys: number[]) => xs.filter((x, k) => px(out, x, ys[k])[0] === 255).length;
    const span = Array.from({ length: 30 }, (_, k) => k);
    expect(
      run(
        span.map((k) => 10 + k),
        span.map(() => 40),
      ),
    ).toBe(t); // left edge, scanning right
    expect(
      run(
        span.map((k) => 69 - k),
        span.map(() => 40),
      ),
    ).toBe(t); // right edge, scanning left
    expect(
      run(
        span.map(() => 40),
        span.map((k) => 12 + k),
      ),
    ).toBe(t); // top edge, scanning down
    expect(
      run(
        span.map(() => 40),
        span.map((k) => 65 - k),
      ),
    ).toBe(t); // bottom edge, scanning up
  });

  it('clips boxes partly outside the image and draws their visible part', () => {
    const img = noise(100, 100);
    const annotator = new BoxAnnotator({ thickness: 2, color: '#ff0000' });
    const out = annotator.annotate(img, boxes([-50, -20, 30, 40], [90, 80, 500, 500]));
    expect(px(out, 29, 10)).toEqual(RED); // right edge of the first box
    expect(px(out, 10, 39)).toEqual(RED); // its bottom edge
    expect(px(out, 0, 10)).toEqual(px(img, 0, 10)); // its left edge is off-image; this is its inside
    expect(px(out, 90, 95)).toEqual(RED); // left edge of the second box
    expect(px(out, 95, 80)).toEqual(RED); // its top edge
    expect(px(out, 99, 99)).toEqual(px(img, 99, 99));
  });

  it('ignores boxes wholly outside or with non-finite coordinates', () => {
    const img = noise(50, 50);
    const out = new BoxAnnotator({ thickness: 2 }).annotate(
      img,
      boxes(
        [-100, -100, -10, -10],
        [60, 0, 90, 40],
        [Number.NaN, 0, 10, 10],
        [0, 0, Number.POSITIVE_INFINITY, 5],
      ),
    );
    expect(out.data).toEqual(img.data);
  });

  it('leaves the input untouched unless inPlace, including Buffer inputs', () => {
    const img = noise(40, 40);
    const before = img.data.slice();
    const out = new BoxAnnotator().annotate(img, boxes([5, 5, 30, 30]));
    expect(out.data).not.toBe(img.data);
    expect(img.data).toEqual(before);
    expect(out.data).not.toEqual(before);

    const buf: RgbImage = { data: Buffer.from(before), width: 40, height: 40 };
    new BoxAnnotator().annotate(buf, boxes([5, 5, 30, 30]));
    expect(Buffer.compare(buf.data as Buffer, Buffer.from(before))).toBe(0);

    const same = new BoxAnnotator({ inPlace: true }).annotate(img, boxes([5, 5, 30, 30]));
    expect(same).toBe(img);
    expect(img.data).toEqual(out.data);
  });

  it('colours by class through the default palette and sizes the stroke from the frame', () => {
    const img: RgbImage = { data: new Uint8Array(1920 * 1080 * 3), width: 1920, height: 1080 };
    const out = new BoxAnnotator().annotate(img, boxes([100, 100, 300, 300], [500, 500, 700, 700]));
    expect(px(out, 100, 200)).toEqual([...DEFAULT_PALETTE[0]]);
    expect(px(out, 500, 600)).toEqual([...DEFAULT_PALETTE[1]]);
    // 1080p default stroke is 3 px
    expect(px(out, 102, 200)).toEqual([...DEFAULT_PALETTE[0]]);
    expect(px(out, 103, 200)).toEqual([0, 0, 0]);
  });

  it('rejects an image whose data does not match its size, and a bad thickness', () => {
    let err: unknown;
    try {
      new BoxAnnotator().annotate({ data: new Uint8Array(10), width: 4, height: 4 }, boxes([0, 0, 2, 2]));
    } catch (e) {
      err = e;
    }
    expect(isInferenceError(err) && err.code).toBe('CORE_ERR_INVALID_PARAMETER');
    expect(() => new BoxAnnotator({ thickness: 0 })).toThrow(/thickness/);
  });
});
