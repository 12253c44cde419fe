import { ModelError } from '../errors.js';
import { familyAlias } from './family-aliases.js';
import type { Task } from './types.js';

/**
 * Maps Roboflow's `model_type` (e.g. `yolov8n`, `yolov5v2s`, `rfdetr-base`) to
 * our decoding family. Unknown, missing or the placeholder `ort` give 'auto':
 * the loader then detects the family from the output shapes, which is safer
 * than Roboflow's blind `yolov5v2s` default.
 *
 * @example
 * familyFromModelType('yolov11s-seg'); // -> 'yolov8'
 * familyFromModelType('rfdetr-nano');  // -> 'end2end'
 * familyFromModelType('vit');          // -> 'auto'
 */
export function familyFromModelType(modelType: string | undefined | null): string {
  return (modelType && familyAlias(modelType)) || 'auto';
}

const TASK_ALIASES: Record<string, { task: Task; multiLabel?: boolean }> = {
  'object-detection': { task: 'object-detection' },
  'instance-segmentation': { task: 'instance-segmentation' },
  classification: { task: 'classification' },
  'single-label-classification': { task: 'classification' },
  'multi-label-classification': { task: 'classification', multiLabel: true },
  'keypoint-detection': { task: 'keypoint-detection' },
  'semantic-segmentation': { task: 'semantic-segmentation' },
  ocr: { task: 'ocr' },
};

/**
 * Maps Roboflow's `project_task_type` / `ort.type` to our task. Missing means
 * object detection (Roboflow's default); an unknown value is refused with
 * CORE_ERR_MODEL_MANIFEST because no head could decode it.
 *
 * @example
 * taskFromProjectType('multi-label-classification'); // -> { task: 'classification', multiLabel: true }
 */
export function taskFromProjectType(
  type: string | undefined | null,
  source = 'model_type.json',
): {
  task: Task;
  multiLabel?: boolean;
} {
  if (!type) return { task: 'object-detection' };
  const hit = TASK_ALIASES[type.trim().toLowerCase()];
  if (!hit) {
    throw new ModelError('CORE_ERR_MODEL_MANIFEST', `${source}: unsupported task type "${type}"`, {
      details: { field: 'project_task_type', source },
    });
  }
  return { ...hit };
}
