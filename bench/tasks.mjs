#!/usr/bin/env node
import { Detections, InferenceEngine, loadImage, maskToPolygon, maskToRle } from '@inference-ts/core';
// Task-level costs (medians, ms): instance-segmentation postprocessing on real
// model outputs, and annotation of a 1080p frame with 20 boxes, labels and
// masks, next to the nano detector's inference time it should undercut.
// Usage: node bench/tasks.mjs [--n 30]
import { annotateDetections } from '@inference-ts/core/annotate';
// internals measured here are not public API: read from the built files
import { attachPrototypeMasks, yolov8SegHead } from '../packages/core/dist/internal/heads/yolov8-seg.js';
import { resolveDetectionParams } from '../packages/core/dist/internal/postprocess/params.js';
import { preprocess } from '../packages/core/dist/internal/preprocess/index.js';
import { media, model, printTable, requireShared, timeIt } from './common.mjs';

requireShared();
const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 30;
const engine = new InferenceEngine();

// 1. segmentation postprocessing: head decode + NMS + prototype product + crop + upsample + polygon
const seg = await engine.getModel(model('yolov8n-seg_int8.onnx'));
const segRows = [];
for (const f of ['dog.jpg', 'horses.jpg', 'crowd.jpg']) {
  const image = await loadImage(media(f));
  const { data, meta } = preprocess(image, seg.manifest.input);
  const outputs = await seg.session.run({
    images: { data, dims: [1, 3, meta.inputHeight, meta.inputWidth] },
  });
  const ctx = {
    manifest: seg.manifest,
    params: resolveDetectionParams(),
    inputWidth: meta.inputWidth,
    inputHeight: meta.inputHeight,
  };
  let count = 0;
  const decodeMs = await timeIt(() => yolov8SegHead.decode(outputs, 1, ctx), { n });
  const masksMs = await timeIt(
    () => {
      const [d] = yolov8SegHead.decode(outputs, 1, ctx);
      const withMasks = attachPrototypeMasks(d, meta, { mode: 'accurate' });
      count = withMasks.length;
      for (const m of withMasks.masks) maskToPolygon(m);
    },
    { n },
  );
  const rleMs = await timeIt(
    () => {
      const [d] = yolov8SegHead.decode(outputs, 1, ctx);
      for (const m of attachPrototypeMasks(d, meta).masks) maskToRle(m, image.width, image.height);
    },
    { n },
  );
  const inferMs = await timeIt(
    () => seg.session.run({ images: { data, dims: [1, 3, meta.inputHeight, meta.inputWidth] } }),
    { n: 10 },
  );
  segRows.push([f, `${image.width}x${image.height}`, String(count), decodeMs, masksMs, rleMs, inferMs]);
}
console.log('instance segmentation postprocessing (yolov8n-seg, accurate masks)');
printTable(
  ['image', 'size', 'objects', 'decode+NMS', '+masks+polygons', '+masks+RLE', 'model infer'],
  segRows,
);

// 2. annotation of a 1080p frame: 20 boxes with labels and ~200x200 masks
const W = 1920;
const H = 1080;
const frame = { data: new Uint8Array(W * H * 3).fill(90), width: W, height: H };
const k = 20;
const xyxy = new Float32Array(k * 4);
const masks = [];
for (let i = 0; i < k; i++) {
  const x = 40 + (i % 5) * 370;
  const y = 40 + Math.floor(i / 5) * 260;
  xyxy.set([x, y, x + 200, y + 200], i * 4);
  const m = new Uint8Array(200 * 200);
  for (let p = 0; p < m.length; p++) m[p] = (p % 200) + Math.floor(p / 200) < 300 ? 1 : 0;
  masks.push({ x0: x, y0: y, width: 200, height: 200, data: m });
}
const dets = new Detections({
  xyxy,
  confidence: new Float32Array(k).fill(0.87),
  classId: Int32Array.from({ length: k }, (_, i) => i % 7),
  masks,
  data: { className: Array.from({ length: k }, (_, i) => `class ${i % 7}`) },
});
const copyMs = await timeIt(() => annotateDetections(frame, dets), { n });
const inPlaceMs = await timeIt(() => annotateDetections(frame, dets, { inPlace: true }), { n });
const det = await engine.getModel(model('yolov8n_int8.onnx'));
const dogImage = await loadImage(media('dog.jpg'));
const nanoMs = await timeIt(() => det.inferDecoded([dogImage]), { n: 10 });
console.log('\nannotation of a 1920x1080 frame, 20 boxes + labels + 20 masks of 200x200');
printTable(['copy', 'in place', 'yolov8n_int8 inference (whole call)'], [[copyMs, inPlaceMs, nanoMs]]);
await engine.dispose();
