export {
  allocCandidates,
  type Candidates,
  candidatesToDetections,
  emptyCandidates,
  finishCandidates,
  type ToDetectionsOptions,
} from './candidates.js';
export * from './classification.js';
export * from './coco-keypoints.js';
export {
  End2EndHead,
  type End2EndLayout,
  type End2EndOptions,
  end2endHead,
  end2endOptions,
  resolveEnd2EndLayout,
} from './end2end.js';
export {
  detectFamily,
  getHead,
  headFor,
  normalizeFamily,
  registeredFamilies,
  registerHead,
} from './registry.js';
export * from './semantic-segmentation.js';
export { checkTensor, float32Data, outputsOfRank } from './tensors.js';
export type { DetectionHead, HeadContext } from './types.js';
export { type AnchorGrid, decodeYoloRowCandidates } from './yolo-rows.js';
export { decodeRowHead, validateRowOutput, YoloV5Head, yolov5Head } from './yolov5.js';
export { decodeYoloV8Candidates, YoloV8Head, yolov8Head } from './yolov8.js';
export * from './yolov8-pose.js';
export * from './yolov8-seg.js';
export {
  YOLOX_DEFAULT_STRIDES,
  YoloXHead,
  yoloxAnchorCount,
  yoloxGrid,
  yoloxHead,
  yoloxStrides,
} from './yolox.js';
