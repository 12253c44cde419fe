import type { BlockDefinition } from '../types.js';
import { ANALYTICS_BLOCKS } from './analytics.js';
import { MODEL_BLOCKS } from './models.js';
import { DETECTIONS_FILTER, PROPERTY_DEFINITION } from './query.js';
import { BYTE_TRACKER } from './tracker.js';

/** Every block this engine runs. */
export const BLOCKS: readonly BlockDefinition[] = [
  ...MODEL_BLOCKS,
  BYTE_TRACKER,
  DETECTIONS_FILTER,
  PROPERTY_DEFINITION,
  ...ANALYTICS_BLOCKS,
];

/**
 * The block and version a step `type` names: `roboflow_core/<name>@v<N>`, or a legacy alias (v1).
 * @example findBlock('roboflow_core/byte_tracker@v3')?.version // 3
 */
export function findBlock(type: string): { block: BlockDefinition; version: number } | undefined {
  for (const block of BLOCKS) {
    if (block.aliases?.includes(type)) return { block, version: 1 };
    const [name, version] = type.split('@');
    if (name === block.name && version && block.versions.includes(version)) {
      return { block, version: Number(version.slice(1)) };
    }
  }
  return undefined;
}
