export { type DetectionData, Detections, type DetectionsInit } from './detections.js';
export { maskArea, maskToFull, type RegionMask } from './mask.js';
