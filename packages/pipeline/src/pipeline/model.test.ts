import { InferenceEngine, type ObjectDetectionResult, type VisionModel } from '@inference-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../../testing/shared.js';
import type { VideoFrame } from '../types.js';
import { InferencePipeline } from './inference-pipeline.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

describe.skipIf(!HAS_SHARED)('InferencePipeline with a real model (shared media)', () => {
  let engine: InferenceEngine;
  let model: VisionModel;
  beforeAll(async () => {
    engine = new InferenceEngine();
    model = await engine.getModel(sharedModel('yolov8n_int8.onnx'));
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it('batched predictions across two sources equal single-image inference on the same frames', async () => {
    const video = sharedMedia('example_video.mp4');
    const seen: { prediction: ObjectDetectionResult; frame: VideoFrame }[] = [];
    const batchSizes: number[] = [];
    let pipeline!: InferencePipeline<ObjectDetectionResult>;
    pipeline = await InferencePipeline.init<ObjectDetectionResult>({
      videoReference: [video, video],
      model,
      inferOptions: { confidence: 0.3 },
      onPrediction: (predictions, frames) => {
        batchSizes.push(frames.filter(Boolean).length);
        frames.forEach((frame, i) => {
          if (frame && predictions[i]) seen.push({ prediction: predictions[i]!, frame });
        });
        if (batchSizes.length === 3) void pipeline.terminate();
      },
    });
    await pipeline.start();
    await pipeline.join();
    expect(seen.length).toBeGreaterThanOrEqual(4);
    expect(batchSizes).toContain(2);
    let withDetections = 0;
    for (const { prediction, frame } of seen) {
      const [single] = await model.inferDecoded([frame.image], { confidence: 0.3 });
      const a = prediction.detections;
      const b = (single as ObjectDetectionResult).detections;
      expect(a.length).toBe(b.length);
      expect(Array.from(a.classId)).toEqual(Array.from(b.classId));
      for (let i = 0; i < a.xyxy.length; i++) expect(a.xyxy[i]).toBeCloseTo(b.xyxy[i], 2);
      for (let i = 0; i < a.length; i++) expect(a.confidence[i]).toBeCloseTo(b.confidence[i], 4);
      if (a.length > 0) withDetections++;
    }
    expect(withDetections).toBeGreaterThan(0);
  });

  it('tracks objects with stable ids when `track` is on (model given by id through an engine)', async () => {
    const ids: number[][] = [];
    let pipeline!: InferencePipeline<ObjectDetectionResult>;
    pipeline = await InferencePipeline.init<ObjectDetectionResult>({
      videoReference: sharedMedia('example_video.mp4'),
      model: sharedModel('yolov8n_int8.onnx'),
      engine,
      track: true,
      onPrediction: ([p]) => {
        ids.push(Array.from(p!.detections.trackerId ?? []));
        expect(p!.toJSON().predictions.every((w) => typeof w.tracker_id === 'number')).toBe(true);
        if (ids.length === 6) void pipeline.terminate();
      },
    });
    await pipeline.start();
    await pipeline.join();
    expect(ids.length).toBeGreaterThanOrEqual(6);
    // the objects tracked on the first frame keep their ids on the following frames
    const first = new Set(ids[0]);
    expect(first.size).toBeGreaterThan(0);
    const kept = ids[5].filter((id) => first.has(id)).length;
    expect(kept).toBeGreaterThan(0);
  });
});
