import { describe, expect, it } from 'vitest';
import { MODEL_ALIASES, resolveModelAlias } from './aliases.js';
import { createInferenceConfiguration } from './configuration.js';
import { v0QueryParams, v1BodyParams } from './params.js';

describe('aliases', () => {
  it('resolves the families of the alias table and leaves other ids alone', () => {
    expect(resolveModelAlias('yolov8n-640')).toBe('coco/3');
    expect(resolveModelAlias('yolov8x-1280')).toBe('coco/13');
    expect(resolveModelAlias('yolov8s-seg-640')).toBe('coco-dataset-vdnr1/4');
    expect(resolveModelAlias('yolov8m-pose-640')).toBe('coco-pose-detection/3');
    expect(resolveModelAlias('yolov10b-640')).toBe('coco/22');
    expect(resolveModelAlias('yolov11n-640')).toBe('coco/25');
    expect(resolveModelAlias('yolo11x-640')).toBe('coco/29');
    expect(resolveModelAlias('yolo-nas-l-640')).toBe('coco/16');
    expect(resolveModelAlias('rfdetr-base')).toBe('coco/36');
    expect(resolveModelAlias('rfdetr-2xlarge')).toBe('coco/48');
    expect(resolveModelAlias('resnet101')).toBe('classifiers/4');
    expect(resolveModelAlias('yolo26n-640')).toBe('coco/41');
    expect(resolveModelAlias('my-project/7')).toBe('my-project/7');
    expect(resolveModelAlias('toString')).toBe('toString');
    expect(Object.values(MODEL_ALIASES).every((v) => /^[a-z0-9-]+\/\d+$/.test(v))).toBe(true);
  });
});

describe('parameter mapping', () => {
  it('defaults send only visualize_predictions (v1) and disable_active_learning', () => {
    const cfg = createInferenceConfiguration();
    expect(v1BodyParams(cfg, 'object-detection')).toEqual({
      visualize_predictions: false,
      disable_active_learning: false,
    });
    expect(v0QueryParams(cfg)).toEqual({ disable_active_learning: 'false' });
  });

  it('renames v1 and v0 keys per the contract table', () => {
    const cfg = createInferenceConfiguration({
      confidenceThreshold: 'best',
      iouThreshold: 0.4,
      visualizeLabels: false,
      strokeWidth: 5,
      disablePreprocAutoOrientation: true,
      activeLearningTargetDataset: 'ds',
      source: 'sdk',
      sourceInfo: 'test',
    });
    expect(v1BodyParams(cfg, 'object-detection')).toEqual({
      visualize_predictions: false,
      confidence: 'best',
      iou_threshold: 0.4,
      visualization_labels: false,
      visualization_stroke_width: 5,
      disable_preproc_auto_orient: true,
      disable_active_learning: false,
      active_learning_target_dataset: 'ds',
      source: 'sdk',
      source_info: 'test',
    });
    expect(v0QueryParams(cfg)).toEqual({
      confidence: 'best',
      overlap: '0.4',
      labels: 'false',
      stroke: '5',
      disable_preproc_auto_orient: 'true',
      disable_active_learning: 'false',
      active_learning_target_dataset: 'ds',
      source: 'sdk',
      source_info: 'test',
    });
  });
});
