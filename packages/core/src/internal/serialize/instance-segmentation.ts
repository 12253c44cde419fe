import type { WireInstanceSegmentationPrediction, WirePoint } from '@inference-ts/sdk/wire';
import type { Detections } from '../detections/detections.js';
import { maskToPolygon } from '../masks/polygon.js';
import { maskToRle } from '../masks/rle.js';
import { round, toWireDetections } from './object-detection.js';

/**
 * Roboflow instance-segmentation predictions: the object-detection keys plus
 * `points` (largest contour, simplified) and `mask_format: 'polygon'`, or a
 * COCO `rle` and `mask_format: 'rle'`.
 */
export function toWireInstanceSegmentation(
  d: Detections,
  classNames: readonly string[],
  image: { width: number; height: number },
  format: 'polygon' | 'rle' = 'polygon',
): WireInstanceSegmentationPrediction[] {
  const base = toWireDetections(d, classNames);
  return base.map((p, i) => {
    const mask = d.masks?.[i];
    if (format === 'rle') {
      const { tracker_id: _t, class_confidence: _c, ...rest } = p;
      const rle = mask
        ? maskToRle(mask, image.width, image.height)
        : { size: [image.height, image.width] as [number, number], counts: '' };
      return { ...rest, rle: { size: rle.size, counts: rle.counts }, mask_format: 'rle' as const };
    }
    const points: WirePoint[] = [];
    if (mask) {
      const poly = maskToPolygon(mask);
      for (let k = 0; k + 1 < poly.length; k += 2) points.push({ x: round(poly[k]), y: round(poly[k + 1]) });
    }
    const { tracker_id: _t, ...od } = p; // the polygon form carries the OD keys minus tracker_id
    return { ...od, points, mask_format: 'polygon' as const };
  });
}
