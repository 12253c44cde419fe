export { Detections, type DetectionData, type DetectionsInit } from './detections.js';
export { maskArea, maskToFull, type RegionMask } from './mask.js';
