import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceEngine, type ObjectDetectionResult, type VisionModel } from '@inference-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../../../testing/shared.js';
import { boxIou } from '../tracking/iou.js';
import type { VideoFrame } from '../types.js';
import { InferencePipeline } from './inference-pipeline.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

describe.skipIf(!HAS_SHARED)('InferencePipeline with a real model (shared media)', () => {
  let engine: InferenceEngine;
  let model: VisionModel;
  let dir: string;
  let clip: string;
  beforeAll(async () => {
    // From 12 s on, cars are in view with good confidence; a 20-frame clip keeps the test short.
    dir = mkdtempSync(join(tmpdir(), 'pipe-model-'));
    clip = join(dir, 'clip.mp4');
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-ss',
      '12',
      '-i',
      sharedMedia('example_video.mp4'),
      '-frames:v',
      '20',
      '-c:v',
      'mpeg4',
      '-q:v',
      '2',
      clip,
    ]);
    engine = new InferenceEngine();
    model = await engine.getModel(sharedModel('yolov8n_int8.onnx'));
  });
  afterAll(async () => {
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('batched predictions across two sources equal single-image inference on the same frames', async () => {
    const video = clip;
    const seen: { prediction: ObjectDetectionResult; frame: VideoFrame }[] = [];
    const batchSizes: number[] = [];
    let pipeline!: InferencePipeline<ObjectDetectionResult>;
    pipeline = await InferencePipeline.init<ObjectDetectionResult>({
      videoReference: [video, video],
      model,
      inferOptions: { confidence: 0.2 },
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
      const [single] = await model.inferDecoded([frame.image], { confidence: 0.2 });
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
    const frames: { ids: number[]; boxes: Float32Array }[] = [];
    const pipeline = await InferencePipeline.init<ObjectDetectionResult>({
      videoReference: clip,
      model: sharedModel('yolov8n_int8.onnx'),
      engine,
      track: true,
      onPrediction: ([p]) => {
        frames.push({ ids: Array.from(p!.detections.trackerId ?? []), boxes: p!.detections.xyxy });
        expect(p!.toJSON().predictions.every((w) => typeof w.tracker_id === 'number')).toBe(true);
      },
    });
    await pipeline.start();
    await pipeline.join();
    expect(frames).toHaveLength(20);
    // Detections flicker on this clip; an object seen on consecutive frames must keep its id,
    // and an id must never jump to a distant box.
    const seenOn = new Map<number, number>();
    const lastBox = new Map<number, Float32Array>();
    for (const f of frames) {
      expect(new Set(f.ids).size).toBe(f.ids.length);
      f.ids.forEach((id, i) => {
        const box = f.boxes.subarray(i * 4, i * 4 + 4);
        const prev = lastBox.get(id);
        if (prev) expect(boxIou(prev, 0, box, 0)).toBeGreaterThan(0.3);
        lastBox.set(id, box);
        seenOn.set(id, (seenOn.get(id) ?? 0) + 1);
      });
    }
    expect(Math.max(...seenOn.values())).toBeGreaterThanOrEqual(4);
  });
});
