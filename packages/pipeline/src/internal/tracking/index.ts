export { type Assignment, assignWithLimit, solveSquare } from './assignment.js';
export { ByteTrack, type ByteTrackOptions } from './byte-track.js';
export { boxIou } from './iou.js';
export {
  type KalmanState,
  kalmanInitiate,
  kalmanPredict,
  kalmanProject,
  kalmanUpdate,
  xyahToXyxy,
  xyxyToXyah,
} from './kalman.js';
export { detectionsOf, withDetections } from './with-detections.js';
