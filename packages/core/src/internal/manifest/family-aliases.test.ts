import { describe, expect, it } from 'vitest';
import { normalizeFamily } from '../heads/registry.js';
import { familyAlias } from './family-aliases.js';
import { familyFromModelType } from './model-type.js';

describe('one family alias table', () => {
  // spellings on which the manifest reader and the head registry used to disagree, and the usual ones
  const spellings: [string, string | undefined][] = [
    ['yolo12n', 'yolov8'],
    ['YOLOv12s', 'yolov8'],
    ['ultralytics-yolo', 'yolov8'],
    ['detr-resnet', 'end2end'],
    ['yolo-e2e', 'end2end'],
    ['nms-free', 'end2end'],
    ['yolov10n', 'end2end'],
    ['yolo26s', 'end2end'],
    ['yolov26m', 'end2end'],
    ['yolov8n-seg', 'yolov8'],
    ['yolov7', 'yolov5'],
    ['yolox_nano', 'yolox'],
    ['vit', undefined],
  ];

  it.each(spellings)('%s -> %s in the reader and the registry alike', (spelling, family) => {
    expect(familyAlias(spelling)).toBe(family);
    expect(normalizeFamily(spelling)).toBe(family);
    expect(familyFromModelType(spelling)).toBe(family ?? 'auto');
  });
});
