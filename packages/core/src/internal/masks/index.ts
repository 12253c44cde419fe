export { type Contour, findContours, largestContour } from './contours.js';
export { maskIoU } from './iou.js';
export { type MaskToPolygonOptions, maskToPolygon, maskToPolygons, polygonToMask } from './polygon.js';
export { type MaskDecodeMode, masksFromPrototypes } from './prototypes.js';
export {
  type CocoRle,
  decodeRleCounts,
  encodeRleCounts,
  maskToRle,
  maskToRunLengths,
  rleToMask,
} from './rle.js';
export { simplifyPolygon, simplifyPolyline } from './simplify.js';
