import { Detections, encodeImage, maskToPolygon } from '@inference-ts/core';
import { type DetectionsMeta, detectionsMeta, type VideoMetadata, type WorkflowImage } from './types.js';

const r1 = (v: number) => Math.round(v * 10) / 10;
const r4 = (v: number) => Math.round(v * 1e4) / 1e4;

const isWorkflowImage = (v: unknown): v is WorkflowImage =>
  typeof v === 'object' && v !== null && (v as WorkflowImage).kind === 'image';

/** `WorkflowVideoMetadata` as JSON (timestamp as ISO). */
export function serialiseVideoMetadata(m: VideoMetadata): Record<string, unknown> {
  return { ...m, frame_timestamp: m.frame_timestamp.toISOString() };
}

const isVideoMetadata = (v: unknown): v is VideoMetadata =>
  typeof v === 'object' &&
  v !== null &&
  'video_identifier' in v &&
  (v as VideoMetadata).frame_timestamp instanceof Date;

/**
 * Detections the way Roboflow's `serialise_sv_detections` writes them: the image size
 * from the detections (null for none), and per prediction `width, height, x, y,
 * confidence, class_id, [points], [tracker_id], class, detection_id, [time_in_zone],
 * parent_id, [keypoints]` in that order.
 */
export function serialiseDetections(d: Detections): {
  image: { width: number | null; height: number | null };
  predictions: Record<string, unknown>[];
} {
  const meta = detectionsMeta(d) as Partial<DetectionsMeta>;
  if (d.length === 0) return { image: { width: null, height: null }, predictions: [] };
  const names = d.data.className as readonly string[] | undefined;
  const ids = d.data.detectionId as readonly string[] | undefined;
  const parents = d.data.parentId as readonly string[] | undefined;
  const times = d.data.timeInZone as readonly number[] | undefined;
  const width = meta.imageWidth ?? 0;
  const height = meta.imageHeight ?? 0;
  const predictions: Record<string, unknown>[] = [];
  for (let i = 0; i < d.length; i++) {
    const [x1, y1, x2, y2] = d.xyxy.subarray(i * 4, i * 4 + 4);
    const cls = d.classId[i];
    const p: Record<string, unknown> = {
      width: r1(x2 - x1),
      height: r1(y2 - y1),
      x: r1((x1 + x2) / 2),
      y: r1((y1 + y2) / 2),
      confidence: r4(d.confidence[i]),
      class_id: cls,
    };
    if (d.masks) {
      // the largest contour, as Roboflow's serialiser writes it
      const mask = d.masks[i];
      const poly = mask ? maskToPolygon(mask) : [];
      const points: { x: number; y: number }[] = [];
      for (let k = 0; k + 1 < poly.length; k += 2) points.push({ x: r1(poly[k]), y: r1(poly[k + 1]) });
      if (points.length === 0) continue; // Roboflow drops detections whose mask is empty
      p.points = points;
    }
    if (d.trackerId) p.tracker_id = d.trackerId[i];
    p.class = names?.[i] ?? meta.classNames?.[cls] ?? String(cls);
    p.detection_id = ids?.[i] ?? '';
    if (times) p.time_in_zone = times[i];
    if (parents?.[i]) p.parent_id = parents[i];
    if (d.keypoints && d.keypointCount > 0) {
      const k = d.keypointCount;
      const kp: Record<string, unknown>[] = [];
      for (let j = 0; j < k; j++) {
        const o = (i * k + j) * 3;
        kp.push({
          class_id: j,
          class: meta.keypointNames?.[j] ?? String(j),
          confidence: r4(d.keypoints[o + 2]),
          x: r1(d.keypoints[o]),
          y: r1(d.keypoints[o + 1]),
        });
      }
      p.keypoints = kp;
    }
    predictions.push(p);
  }
  return { image: { width, height }, predictions };
}

/** One workflow output value as JSON, by type (Roboflow's `serialise_single_workflow_result_element`). */
export async function serialiseValue(v: unknown): Promise<unknown> {
  if (v instanceof Detections) return serialiseDetections(v);
  if (isWorkflowImage(v)) {
    const jpeg = await encodeImage(v.image, 'jpeg', 90);
    return {
      type: 'base64',
      value: jpeg.toString('base64'),
      video_metadata: serialiseVideoMetadata(v.videoMetadata),
    };
  }
  if (isVideoMetadata(v)) return serialiseVideoMetadata(v);
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return Promise.all(v.map(serialiseValue));
  if (typeof v === 'object' && v !== null) {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJSON.call(v);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await serialiseValue(x);
    return out;
  }
  return v;
}

/** The outputs of one frame, without `excluded` keys. */
export async function serialiseOutputs(
  outputs: Record<string, unknown>,
  excluded: readonly string[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(outputs)) {
    if (!excluded.includes(k)) out[k] = await serialiseValue(v);
  }
  return out;
}
