import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../testing/onnx-builder.js';
import {
  cocoNames,
  HAS_SHARED,
  SHARED_SKIP_REASON,
  sharedMedia,
  sharedModel,
} from '../../../testing/shared.js';
import { parseInitPayload } from '../src/internal/payload.js';
import { PipelineHost } from '../src/internal/pipeline-host.js';
import { waitFor } from './helpers.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

const KEYPOINTS = 3;

/** [1, 5 + 3·3, 64] pose output: anchor 3 is one object at (32, 32) 20×20, confidence 0.9, keypoints on a line. */
function poseOutput(): Float32Array {
  const ch = 5 + KEYPOINTS * 3;
  const d = new Float32Array(ch * 64);
  const set = (c: number, v: number) => {
    d[c * 64 + 3] = v;
  };
  for (const [c, v] of [32, 32, 20, 20, 0.9].entries()) set(c, v);
  for (let q = 0; q < KEYPOINTS; q++) {
    set(5 + q * 3, 24 + q * 8);
    set(6 + q * 3, 30);
    set(7 + q * 3, 0.8);
  }
  return d;
}

describe.skipIf(!HAS_SHARED)('every model block task, serialised as Roboflow', () => {
  let root: string;
  const dirs: Record<string, string> = {};
  let host: PipelineHost;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stream-blocks-'));
    const make = (name: string, manifest: Record<string, unknown>, onnx?: Uint8Array, link?: string) => {
      const dir = join(root, name);
      mkdirSync(dir);
      if (onnx) writeFileSync(join(dir, 'model.onnx'), onnx);
      if (link) symlinkSync(link, join(dir, 'model.onnx'));
      writeFileSync(join(dir, 'inference.json'), JSON.stringify({ weights: 'model.onnx', ...manifest }));
      dirs[name] = dir;
    };
    const input = (size: number) => ({ name: 'images', shape: [1, 3, size, size] });
    const cls = {
      task: 'classification',
      family: 'classification',
      input: { width: 32, height: 32, resize: 'stretch' },
      classes: ['cat', 'dog', 'car'],
    };
    make('cls', cls, constantOutputModel(input(32), { logits: { dims: [1, 3], data: [2, 0, 1] } }));
    make(
      'multi',
      { ...cls, multiLabel: true },
      constantOutputModel(input(32), { logits: { dims: [1, 3], data: [0.9, 0.1, 0.7] } }),
    );
    make(
      'pose',
      {
        task: 'keypoint-detection',
        family: 'yolov8',
        input: { width: 64, height: 64, resize: 'stretch' },
        classes: ['thing'],
      },
      constantOutputModel(input(64), { output0: { dims: [1, 5 + KEYPOINTS * 3, 64], data: poseOutput() } }),
    );
    make(
      'seg',
      {
        task: 'instance-segmentation',
        family: 'yolov8',
        input: { width: 320, height: 320, resize: 'letterbox', padColor: [114, 114, 114] },
        classes: cocoNames(),
      },
      undefined,
      sharedModel('yolov8n-seg_int8.onnx'),
    );
    host = new PipelineHost({ sessionThread: false });
  });
  afterAll(async () => {
    await host?.terminate();
    await rm(root, { recursive: true, force: true });
  });

  it('classification, multi-label, keypoints and instance segmentation blocks (with legacy aliases)', async () => {
    const step = (type: string, name: string, model: string, extra: Record<string, unknown> = {}) => ({
      type,
      name,
      images: '$inputs.image',
      model_id: model,
      ...extra,
    });
    const spec = parseInitPayload({
      video_configuration: {
        type: 'VideoConfiguration',
        video_reference: sharedMedia('example_video.mp4'),
        source_buffer_filling_strategy: 'WAIT',
        source_buffer_consumption_strategy: 'LAZY',
      },
      processing_configuration: {
        type: 'WorkflowConfiguration',
        workflow_specification: {
          version: '1.15.0',
          inputs: [{ type: 'InferenceImage', name: 'image' }],
          steps: [
            step('roboflow_core/roboflow_classification_model@v2', 'cls', dirs.cls),
            step('roboflow_core/roboflow_multi_label_classification_model@v3', 'multi', dirs.multi, {
              confidence_mode: 'custom',
              custom_confidence: 0.5,
            }),
            step('KeypointsDetectionModel', 'pose', dirs.pose),
            step('roboflow_core/roboflow_instance_segmentation_model@v1', 'seg', dirs.seg, {
              confidence: 0.3,
            }),
          ],
          outputs: [
            { type: 'JsonField', name: 'cls', selector: '$steps.cls.predictions' },
            { type: 'JsonField', name: 'multi', selector: '$steps.multi.predictions' },
            { type: 'JsonField', name: 'pose', selector: '$steps.pose.predictions' },
            { type: 'JsonField', name: 'seg', selector: '$steps.seg.predictions' },
          ],
        },
      },
    });
    await host.init(spec, null);
    await waitFor(() => host.status().resultsBuffered >= 20, 60_000, 'results');
    const results = [];
    for (let i = 0; i < 20; i++) results.push((await host.consume([])).outputs[0]!);
    const o = results[0];
    expect(o.cls).toMatchObject({
      top: 'cat',
      predictions: [{ class: 'cat', class_id: 0 }, { class: 'car' }, { class: 'dog' }],
      prediction_type: 'classification',
      parent_id: 'image',
      root_parent_id: 'image',
      image: { width: 426, height: 240 },
    });
    expect(o.multi).toMatchObject({
      predicted_classes: ['cat', 'car'],
      predictions: { cat: { class_id: 0 }, dog: { class_id: 1 } },
    });
    const pose = o.pose as { image: unknown; predictions: Record<string, unknown>[] };
    expect(pose.image).toEqual({ width: 426, height: 240 });
    expect(Object.keys(pose.predictions[0])).toEqual([
      'width',
      'height',
      'x',
      'y',
      'confidence',
      'class_id',
      'class',
      'detection_id',
      'parent_id',
      'keypoints',
    ]);
    expect((pose.predictions[0].keypoints as Record<string, unknown>[])[0]).toEqual({
      class_id: 0,
      class: expect.any(String),
      confidence: 0.8,
      x: expect.any(Number),
      y: expect.any(Number),
    });
    const seg = results
      .map((r) => r.seg as { predictions: Record<string, unknown>[] })
      .find((s) => s.predictions.length > 0);
    expect(seg, JSON.stringify(results.map((r) => r.seg)).slice(0, 400)).toBeDefined();
    expect(Object.keys(seg!.predictions[0])).toEqual([
      'width',
      'height',
      'x',
      'y',
      'confidence',
      'class_id',
      'points',
      'class',
      'detection_id',
      'parent_id',
    ]);
    expect((seg!.predictions[0].points as unknown[]).length).toBeGreaterThan(2);
  });
});
