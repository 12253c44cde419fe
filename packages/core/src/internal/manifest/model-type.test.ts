import { describe, expect, it } from 'vitest';
import { familyFromModelType, taskFromProjectType } from './model-type.js';

describe('familyFromModelType', () => {
  it.each([
    ['yolov8n', 'yolov8'],
    ['yolov8s-seg', 'yolov8'],
    ['yolov11m', 'yolov8'],
    ['yolo11n-pose', 'yolov8'],
    ['yolov9c', 'yolov8'],
    ['yolov5v2s', 'yolov5'],
    ['yolov7', 'yolov5'],
    ['yolox', 'yolox'],
    ['YOLOX-nano', 'yolox'],
    ['yolov10n', 'end2end'],
    ['yolo26s', 'end2end'],
    ['rfdetr-base', 'end2end'],
    ['rt-detr-l', 'end2end'],
    ['vit', 'auto'],
    ['ort', 'auto'],
    [undefined, 'auto'],
  ])('%s -> %s', (t, family) => {
    expect(familyFromModelType(t)).toBe(family);
  });
});

describe('taskFromProjectType', () => {
  it('maps known types and defaults to object detection', () => {
    expect(taskFromProjectType(undefined)).toEqual({ task: 'object-detection' });
    expect(taskFromProjectType('keypoint-detection')).toEqual({ task: 'keypoint-detection' });
    expect(taskFromProjectType('multi-label-classification')).toEqual({
      task: 'classification',
      multiLabel: true,
    });
    expect(() => taskFromProjectType('audio')).toThrow(/unsupported task type "audio"/);
  });
});
