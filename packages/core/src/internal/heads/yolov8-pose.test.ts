import { describe, expect, it } from 'vitest';
import type { ModelManifest } from '../manifest/types.js';
import { resolveDetectionParams } from '../postprocess/params.js';
import type { PreprocessMeta } from '../preprocess/types.js';
import { COCO_KEYPOINT_NAMES, COCO_SKELETON, keypointSpecFor } from './coco-keypoints.js';
import type { HeadContext } from './types.js';
import { keypointLayout, keypointsToImage, yolov8PoseHead } from './yolov8-pose.js';

const K = 17;
const manifest: ModelManifest = {
  task: 'keypoint-detection',
  family: 'yolov8-pose',
  weights: 'm.onnx',
  input: { width: 64, height: 64, resize: 'letterbox' },
  classes: ['person'],
};
const ctx: HeadContext = {
  manifest,
  params: resolveDetectionParams({ confidence: 0.5 }),
  inputWidth: 64,
  inputHeight: 64,
};

/** [1, 4 + 1 + 17·3, 64]: anchor 3 is a person (0.9), anchor 7 is weak (0.2); keypoint q of anchor a = (a + q, 100 + q, q / 20). */
function poseOutput() {
  const ch = 5 + K * 3;
  const n = 64;
  const d = new Float32Array(ch * n);
  const set = (c: number, a: number, v: number) => (d[c * n + a] = v);
  for (const [a, score] of [
    [3, 0.9],
    [7, 0.2],
  ]) {
    set(0, a, 20);
    set(1, a, 30);
    set(2, a, 10);
    set(3, a, 20);
    set(4, a, score);
    for (let q = 0; q < K; q++) {
      set(5 + q * 3, a, a + q);
      set(5 + q * 3 + 1, a, 100 + q);
      set(5 + q * 3 + 2, a, q / 20);
    }
  }
  return { output0: { data: d, dims: [1, ch, n] } };
}

describe('YoloV8PoseHead', () => {
  it('decodes keypoints of the survivors exactly, with COCO names by default', () => {
    const [dets] = yolov8PoseHead.decode(poseOutput(), 1, ctx);
    expect(dets.length).toBe(1);
    expect(Array.from(dets.xyxy)).toEqual([15, 20, 25, 40]);
    expect(dets.keypointCount).toBe(K);
    const want = new Float32Array(K * 3);
    for (let q = 0; q < K; q++) want.set([3 + q, 100 + q, q / 20], q * 3);
    expect(Array.from(dets.keypoints!)).toEqual(Array.from(want));
    const spec = dets.metadata.keypoints as { names: string[] };
    expect(spec.names[0]).toBe('nose');
    expect(spec.names).toHaveLength(17);
  });

  it('returns empty keypoints when nothing passes the threshold', () => {
    const [dets] = yolov8PoseHead.decode(poseOutput(), 1, {
      ...ctx,
      params: resolveDetectionParams({ confidence: 0.95 }),
    });
    expect(dets.length).toBe(0);
    expect(dets.keypoints?.length).toBe(0);
  });

  it('maps keypoints to image pixels through the meta, leaving confidences', () => {
    const [dets] = yolov8PoseHead.decode(poseOutput(), 1, ctx);
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
    const mapped = keypointsToImage(dets, meta);
    expect(Array.from(mapped.keypoints!.subarray(0, 3))).toEqual([6, (100 - 16) * 2, 0]);
    expect(dets.keypoints![0]).toBe(3); // the original is untouched
  });

  it('validates the channel count against K keypoints', () => {
    expect(() =>
      yolov8PoseHead.validate([{ name: 'o', type: 'float32', shape: [1, 5 + 51, 2100] }], manifest),
    ).not.toThrow();
    expect(() =>
      yolov8PoseHead.validate([{ name: 'o', type: 'float32', shape: [1, 5 + 50, 2100] }], manifest),
    ).toThrow(/keypoints/);
  });

  it('uses the manifest keypoints, including a 2-value (x, y) layout', () => {
    const named = { keypoints: { names: ['head', 'tail'] } };
    expect(keypointLayout(6, named)).toEqual({ k: 2, dims: 3 });
    expect(keypointLayout(4, named)).toEqual({ k: 2, dims: 2 });
    expect(keypointLayout(5, {})).toBeUndefined();
    expect(keypointSpecFor(named, 2).names).toEqual(['head', 'tail']);
    expect(keypointSpecFor({}, 17).names).toEqual(COCO_KEYPOINT_NAMES);
    expect(keypointSpecFor({}, 17).skeleton).toHaveLength(COCO_SKELETON.length);
    expect(keypointSpecFor({}, 3)).toEqual({ names: ['0', '1', '2'] });
  });
});
