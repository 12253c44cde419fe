export { type BoxArray, boxArea, cxcywhToXyxy, iou, iouAt, xyxyToCxcywh } from './boxes.js';
export { argsortDescending, classFilterMask, confidenceFilter, topKByScore } from './filter.js';
export { type NmsOptions, nms } from './nms.js';
export {
  DETECTION_DEFAULTS,
  type DetectionParams,
  type ResolvedDetectionParams,
  resolveDetectionParams,
} from './params.js';
export { type ScoredBoxes, selectDetections } from './select.js';
