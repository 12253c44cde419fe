import type { OutboxItem } from '../outbox.js';
import { detectionsOf, isMultiLabel, isStub, type WireClass, type WirePrediction } from '../prediction.js';

/** The subset of COCO that Roboflow, CVAT, Label Studio and FiftyOne import. */
export interface CocoFile {
  info: { description: string; date_created: string };
  licenses: unknown[];
  categories: {
    id: number;
    name: string;
    supercategory: string;
    keypoints?: string[];
    skeleton?: number[][];
  }[];
  images: {
    id: number;
    file_name: string;
    width: number;
    height: number;
    date_captured: string;
    extra?: Record<string, unknown>;
  }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    bbox: [number, number, number, number];
    area: number;
    segmentation: number[][];
    iscrowd: 0;
    keypoints?: number[];
    num_keypoints?: number;
  }[];
}

export function emptyCoco(now: Date): CocoFile {
  return {
    info: { description: 'Inference TS active learning', date_created: now.toISOString() },
    licenses: [],
    categories: [],
    images: [],
    annotations: [],
  };
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function categoryId(coco: CocoFile, name: string, keypointNames?: string[]): number {
  let c = coco.categories.find((x) => x.name === name);
  if (!c) {
    c = { id: coco.categories.reduce((m, x) => Math.max(m, x.id), 0) + 1, name, supercategory: 'none' };
    coco.categories.push(c);
  }
  if (keypointNames && !c.keypoints) {
    c.keypoints = keypointNames;
    c.skeleton = [];
  }
  return c.id;
}

/**
 * Adds one image (and its prediction as annotations) to a COCO document:
 * boxes as top-left `[x, y, w, h]`, polygons as `segmentation`, keypoints as
 * `[x, y, v]` triples (v = 2 when the keypoint has confidence > 0), a
 * classification as a whole-image box per class. Mutates `coco`.
 */
export function addToCoco(coco: CocoFile, item: OutboxItem, capturedAt: Date): void {
  const imageId = coco.images.reduce((m, x) => Math.max(m, x.id), 0) + 1;
  coco.images.push({
    id: imageId,
    file_name: item.name,
    width: item.width,
    height: item.height,
    date_captured: capturedAt.toISOString(),
    extra: {
      tags: item.tags,
      strategy: item.strategy,
      ...(item.modelId ? { model_id: item.modelId } : {}),
      ...(item.inferenceId ? { inference_id: item.inferenceId } : {}),
    },
  });
  const p: WirePrediction | undefined = item.prediction;
  if (!p || isStub(p)) return;
  let annId = coco.annotations.reduce((m, x) => Math.max(m, x.id), 0);
  const whole = (cls: string) => {
    coco.annotations.push({
      id: ++annId,
      image_id: imageId,
      category_id: categoryId(coco, cls),
      bbox: [0, 0, item.width, item.height],
      area: item.width * item.height,
      segmentation: [],
      iscrowd: 0,
    });
  };
  if (item.taskType === 'classification') {
    if (isMultiLabel(p)) for (const c of p.predicted_classes ?? []) whole(c);
    else if (typeof p.top === 'string') whole(p.top);
    else {
      const best = (Array.isArray(p.predictions) ? (p.predictions as WireClass[]) : [])[0];
      if (best) whole(best.class);
    }
    return;
  }
  for (const d of detectionsOf(p)) {
    const kp = d.keypoints;
    const cat = categoryId(
      coco,
      d.class,
      kp?.map((k, i) => k.class ?? String(i)),
    );
    const ann: CocoFile['annotations'][number] = {
      id: ++annId,
      image_id: imageId,
      category_id: cat,
      bbox: [r2(d.x - d.width / 2), r2(d.y - d.height / 2), r2(d.width), r2(d.height)],
      area: r2(d.width * d.height),
      segmentation: d.points && d.points.length >= 3 ? [d.points.flatMap((q) => [r2(q.x), r2(q.y)])] : [],
      iscrowd: 0,
    };
    if (kp) {
      ann.keypoints = kp.flatMap((k) => [r2(k.x), r2(k.y), k.confidence > 0 ? 2 : 0]);
      ann.num_keypoints = kp.filter((k) => k.confidence > 0).length;
    }
    coco.annotations.push(ann);
  }
}
