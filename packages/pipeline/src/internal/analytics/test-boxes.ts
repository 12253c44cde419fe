import { Detections } from '@inference-ts/core';

/** One synthetic tracked box: tracker id, class id and x1, y1, x2, y2. */
export interface Box {
  id: number;
  cls?: number;
  box: readonly [number, number, number, number];
}

/** Tracked detections from boxes (tests and benches). */
export function tracked(boxes: readonly Box[]): Detections {
  return new Detections({
    xyxy: Float32Array.from(boxes.flatMap((b) => b.box)),
    confidence: new Float32Array(boxes.length).fill(0.9),
    classId: Int32Array.from(boxes, (b) => b.cls ?? 0),
    trackerId: Int32Array.from(boxes, (b) => b.id),
  });
}

/** A w×h box centred on (cx, cy). */
export function centred(cx: number, cy: number, w = 10, h = 10): [number, number, number, number] {
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}
