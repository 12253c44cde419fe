import { topKByScore } from './filter.js';
import { nms } from './nms.js';
import type { ResolvedDetectionParams } from './params.js';

/** The fields of a candidate set that selection looks at. */
export interface ScoredBoxes {
  /** n×4 xyxy. */
  xyxy: Float32Array;
  /** n scores. */
  confidence: Float32Array;
  /** n class ids. */
  classId: Int32Array;
}

/**
 * The last common steps of every detection head, on candidates that already
 * passed the confidence and class filters: keep the best `maxCandidates`,
 * run NMS (class-aware unless `classAgnosticNms`) when `applyNms`, and cap at
 * `maxDetections`.
 *
 * @returns surviving candidate indices, best first.
 * @example
 * selectDetections(candidates, resolveDetectionParams({ iouThreshold: 0.5 }), true)
 */
export function selectDetections(
  c: ScoredBoxes,
  params: Pick<
    ResolvedDetectionParams,
    'iouThreshold' | 'classAgnosticNms' | 'maxDetections' | 'maxCandidates'
  >,
  applyNms: boolean,
): Uint32Array {
  const order = topKByScore(c.confidence, params.maxCandidates);
  if (!applyNms) return order.slice(0, Math.max(0, params.maxDetections));
  return nms(c.xyxy, c.confidence, {
    iouThreshold: params.iouThreshold,
    classIds: c.classId,
    classAgnostic: params.classAgnosticNms,
    maxDetections: params.maxDetections,
    order,
  });
}
