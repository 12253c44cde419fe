import {
  annotateResultImage,
  ClassificationResult,
  type RgbImage,
  SemanticSegmentationResult,
  zeroTimings,
} from '@inference-ts/core';
import { describe, expect, it } from 'vitest';
import type { FrameAnalytics } from '../analytics/frame-analytics.js';
import type { VideoFrame } from '../types.js';
import { annotatingRenderer } from './render.js';

const W = 120;
const H = 80;

function frame(analytics?: FrameAnalytics): VideoFrame {
  const data = new Uint8Array(W * H * 3).fill(30);
  return {
    image: { data, width: W, height: H },
    frameId: 1,
    frameTimestamp: 0,
    sourceId: 0,
    fps: 25,
    decodedAt: 0,
    ...(analytics ? { analytics } : {}),
  };
}

const pixel = (img: RgbImage, x: number, y: number) =>
  Array.from(img.data.subarray((y * W + x) * 3, (y * W + x) * 3 + 3));

describe('annotatingRenderer', () => {
  it('draws classification through the annotateResult entry point (it used to come out undrawn)', () => {
    const result = new ClassificationResult({
      inferenceId: 'id',
      image: { width: W, height: H },
      scores: {
        scores: Float32Array.of(0.1, 0.9),
        ranking: Uint32Array.of(1, 0),
        top: 'dog',
        topClassId: 1,
        topConfidence: 0.9,
        predictedClasses: ['dog'],
        activation: 'none',
      },
      classNames: ['cat', 'dog'],
      multiLabel: false,
      timings: zeroTimings(),
    });
    const f = frame();
    const out = annotatingRenderer()(f, result);
    expect(out.data).not.toEqual(f.image.data);
    expect(out.data).toEqual(annotateResultImage(f.image, result).data);
  });

  it('draws semantic segmentation masks the same way as annotateResult', () => {
    const classMask = new Uint8Array(W * H);
    classMask.fill(1, 0, (W * H) / 2);
    const result = new SemanticSegmentationResult({
      inferenceId: 'id',
      image: { width: W, height: H },
      segmentation: {
        width: W,
        height: H,
        classMask,
        confidenceMask: new Uint8Array(W * H).fill(255),
        classMap: { '0': 'background', '1': 'road' },
        presentClassIds: [0, 1],
      },
      predictions: { segmentation_mask: '', class_map: {}, image: { width: W, height: H } } as never,
      timings: zeroTimings(),
    });
    const f = frame();
    const out = annotatingRenderer()(f, result);
    expect(pixel(out, 5, 5)).not.toEqual([30, 30, 30]);
    expect(pixel(out, 5, H - 5)).toEqual([30, 30, 30]);
    expect(out.data).toEqual(annotateResultImage(f.image, result).data);
  });

  it('draws lines and zones with their counts on a copy of the frame', () => {
    const f = frame({
      lines: [
        {
          name: 'gate',
          start: [60, 0],
          end: [60, 79],
          in: 3,
          out: 1,
          crossedIn: [],
          crossedOut: [],
          inByClass: {},
          outByClass: {},
        },
      ],
      zones: [
        {
          name: 'lot',
          polygon: [
            [10, 10],
            [40, 10],
            [40, 70],
            [10, 70],
          ],
          count: 2,
          countByClass: {},
          entered: [],
          left: [],
        },
      ],
    });
    const before = Uint8Array.from(f.image.data);
    const out = annotatingRenderer()(f, null);
    expect(f.image.data).toEqual(before); // the source frame is not drawn on
    expect(pixel(out, 60, 2)).not.toEqual([30, 30, 30]); // the line
    expect(pixel(out, 10, 40)).not.toEqual([30, 30, 30]); // the zone's left edge
    expect(pixel(out, 100, 5)).toEqual([30, 30, 30]); // away from both
    // no analytics, nothing to draw: the frame itself
    const plain = frame();
    expect(annotatingRenderer()(plain, null)).toBe(plain.image);
  });
});
