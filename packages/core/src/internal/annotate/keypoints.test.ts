import { describe, expect, it } from 'vitest';
import { Detections } from '../detections/detections.js';
import type { RgbImage } from '../image/types.js';
import { KeypointAnnotator } from './keypoints.js';

const blank = (w: number, h: number): RgbImage => ({ data: new Uint8Array(w * h * 3), width: w, height: h });
const px = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
const RED = [255, 0, 0];
const GREEN = [0, 255, 0];
const BLACK = [0, 0, 0];

/** One person with three keypoints: a visible one, a low-confidence one, and another visible one. */
function person(): Detections {
  return new Detections({
    xyxy: Float32Array.of(0, 0, 100, 100),
    confidence: Float32Array.of(0.9),
    classId: Int32Array.of(0),
    keypoints: Float32Array.of(20, 20, 0.9, 80, 20, 0.2, 50, 70, 0.5),
    keypointCount: 3,
  });
}
const options = { radius: 2, thickness: 1, pointColor: '#ff0000', edgeColor: '#00ff00' };

describe('KeypointAnnotator', () => {
  it('draws dots of the given radius for keypoints at or above the threshold only', () => {
    const out = new KeypointAnnotator({ ...options, threshold: 0.5 }).annotate(blank(100, 100), person());
    expect(px(out, 20, 20)).toEqual(RED);
    expect(px(out, 18, 20)).toEqual(RED);
    expect(px(out, 17, 20)).toEqual(BLACK);
    expect(px(out, 50, 70)).toEqual(RED); // confidence equal to the threshold
    for (let y = 15; y <= 25; y++) for (let x = 75; x <= 85; x++) expect(px(out, x, y)).toEqual(BLACK);
  });

  it('joins exactly the skeleton pairs whose ends are both visible', () => {
    const out = new KeypointAnnotator({
      ...options,
      threshold: 0.5,
      skeleton: [
        [0, 2],
        [0, 1],
      ],
    }).annotate(blank(100, 100), person());
    // 0-2 drawn: points along it are edge-coloured, and every edge pixel lies on it
    for (const t of [0.25, 0.5, 0.75]) {
      expect(px(out, Math.round(20 + 30 * t), Math.round(20 + 50 * t))).toEqual(GREEN);
    }
    for (let y = 0; y < 100; y++) {
      for (let x = 0; x < 100; x++) {
        if (px(out, x, y)[1] !== 255) continue;
        // distance to the line through (20,20) and (50,70)
        const d = Math.abs(50 * (x - 20) - 30 * (y - 20)) / Math.hypot(50, 30);
        expect(d).toBeLessThan(1);
      }
    }
    // 0-1 not drawn: keypoint 1 is below the threshold
    expect(px(out, 50, 20)).toEqual(BLACK);
  });

  it('draws nothing for detections without keypoints', () => {
    const d = new Detections({
      xyxy: new Float32Array(4),
      confidence: Float32Array.of(1),
      classId: Int32Array.of(0),
    });
    const input = blank(10, 10);
    expect(new KeypointAnnotator({ skeleton: [[0, 1]] }).annotate(input, d).data).toEqual(input.data);
  });

  it('rejects skeleton indices that are negative or beyond the keypoint count', () => {
    expect(() => new KeypointAnnotator({ skeleton: [[-1, 2]] })).toThrow(/two indices/);
    expect(() => new KeypointAnnotator({ skeleton: [[0, 3]] }).annotate(blank(100, 100), person())).toThrow(
      /out of range for 3 keypoints/,
    );
  });
});
