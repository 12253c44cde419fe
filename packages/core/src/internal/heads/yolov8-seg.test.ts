import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import {
  cocoNames,
  HAS_SHARED,
  SHARED_SKIP_REASON,
  sharedMedia,
  sharedModel,
} from '../../../../../testing/shared.js';
import { maskArea, maskToFull } from '../detections/mask.js';
import type { ModelManifest } from '../manifest/types.js';
import { maskIoU } from '../masks/iou.js';
import { maskToPolygon, polygonToMask } from '../masks/polygon.js';
import { maskToRle, rleToMask } from '../masks/rle.js';
import { resolveDetectionParams } from '../postprocess/params.js';
import { mapBoxesToImage } from '../preprocess/map.js';
import { preprocess } from '../preprocess/preprocess.js';
import { OnnxSession } from '../runtime/onnx-session.js';
import type { HeadContext } from './types.js';
import {
  attachPrototypeMasks,
  MASK_COEFFICIENTS_KEY,
  MASK_PROTOTYPES_KEY,
  yolov8SegHead,
} from './yolov8-seg.js';

const manifest: ModelManifest = {
  task: 'instance-segmentation',
  family: 'yolov8-seg',
  weights: 'model.onnx',
  input: { width: 64, height: 64, resize: 'letterbox' },
  classes: ['a', 'b'],
};
const ctx: HeadContext = {
  manifest,
  params: resolveDetectionParams({ confidence: 0.4, iouThreshold: 0.5 }),
  inputWidth: 64,
  inputHeight: 64,
};

/**
 * output0 [1, 4 + 2 classes + 2 coefficients, 16 anchors] and output1 [1, 2, 16, 16].
 * Prototype 0 is +10 on the left half (prototype x < 8), -10 on the right; prototype 1 is 0.
 * anchor 0: the whole letterboxed image area (network 0..64 × 16..48), class a 0.9, coefficients (1, 0): left half
 * anchor 1: the same box, class a 0.8: removed by NMS
 * anchor 2: network (40, 16)-(64, 30), class b 0.7, coefficients (-1, 0): right half, i.e. all of its box
 * anchor 3: score 0.1: filtered out
 */
function segOutputs(): Record<string, { dims: number[]; data: Float32Array }> {
  const n = 16; // more anchors than channels, as the head expects; anchors 4..15 score 0
  const anchors = [
    [32, 32, 64, 32, 0.9, 0.0, 1, 0],
    [32, 32, 64, 32, 0.8, 0.0, 1, 0],
    [52, 23, 24, 14, 0.0, 0.7, -1, 0],
    [10, 10, 4, 4, 0.1, 0.0, 1, 0],
  ];
  const o0 = new Float32Array(8 * n);
  for (let i = 0; i < anchors.length; i++) for (let ch = 0; ch < 8; ch++) o0[ch * n + i] = anchors[i][ch];
  const o1 = new Float32Array(2 * 16 * 16);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) o1[y * 16 + x] = x < 8 ? 10 : -10;
  return { output0: { dims: [1, 8, n], data: o0 }, output1: { dims: [1, 2, 16, 16], data: o1 } };
}

describe('YoloV8SegHead on a designed ONNX graph', () => {
  it('decodes, suppresses, and builds pixel-exact masks in the letterboxed 128×64 original', async () => {
    const bytes = constantOutputModel({ name: 'images', shape: [1, 3, 64, 64] }, segOutputs());
    const session = await OnnxSession.create(bytes);
    try {
      yolov8SegHead.validate(session.outputs, manifest);
      const image = { width: 128, height: 64, data: new Uint8Array(128 * 64 * 3).fill(90) };
      const { data, meta } = preprocess(image, manifest.input);
      expect([meta.scaleX, meta.scaleY, meta.padX, meta.padY]).toEqual([0.5, 0.5, 0, 16]);
      const outputs = await session.run({ images: { data, dims: [1, 3, 64, 64] } });
      const [dets] = yolov8SegHead.decode(outputs, 1, ctx);
      expect(Array.from(dets.classId)).toEqual([0, 1]);
      expect(dets.data[MASK_COEFFICIENTS_KEY]).toHaveLength(2);
      expect(dets.masks).toBeUndefined();

      const withMasks = attachPrototypeMasks(dets, meta);
      expect(withMasks.data[MASK_COEFFICIENTS_KEY]).toBeUndefined();
      expect(withMasks.metadata[MASK_PROTOTYPES_KEY]).toBeUndefined();
      const [m0, m1] = withMasks.masks!;
      expect([m0.x0, m0.y0, m0.width, m0.height]).toEqual([0, 0, 128, 64]);
      const full0 = maskToFull(m0, 128, 64);
      for (let y = 0; y < 64; y++)
        for (let x = 0; x < 128; x++) expect(full0[y * 128 + x]).toBe(x < 64 ? 1 : 0);
      // anchor 2 in original pixels: x (40..64)/0.5 = 80..128, y (16-16..30-16)/0.5 = 0..28
      expect([m1.x0, m1.y0, m1.width, m1.height]).toEqual([80, 0, 48, 28]);
      expect(maskArea(m1)).toBe(48 * 28);

      // the same masks when the boxes were mapped to the image first
      const mapped = dets.with({ xyxy: dets.xyxy.slice() });
      mapBoxesToImage(mapped.xyxy, meta);
      const again = attachPrototypeMasks(mapped, meta, { boxes: 'image' }).masks!;
      expect(Array.from(again[0].data)).toEqual(Array.from(m0.data));
      expect([again[1].x0, again[1].y0, again[1].width, again[1].height]).toEqual([80, 0, 48, 28]);
    } finally {
      await session.dispose();
    }
  });

  it('refuses models whose channels do not match classes + prototypes', () => {
    const outputs = [
      { name: 'output0', type: 'float32' as const, shape: [1, 9, 100] },
      { name: 'output1', type: 'float32' as const, shape: [1, 2, 16, 16] },
    ];
    expect(() => yolov8SegHead.validate(outputs, manifest)).toThrow(/mask coefficients/);
    expect(() => yolov8SegHead.validate([outputs[0]], manifest)).toThrow(/prototype output/);
  });

  it('refuses to build masks for detections without prototypes', () => {
    const outputs = Object.fromEntries(
      Object.entries(segOutputs()).map(([k, v]) => [k, { data: v.data, dims: v.dims }]),
    );
    const [dets] = yolov8SegHead.decode(outputs, 1, ctx);
    const meta = {
      originalWidth: 64,
      originalHeight: 64,
      cropX: 0,
      cropY: 0,
      cropWidth: 64,
      cropHeight: 64,
      scaleX: 1,
      scaleY: 1,
      padX: 0,
      padY: 0,
      inputWidth: 64,
      inputHeight: 64,
    };
    expect(attachPrototypeMasks(dets, meta).masks).toHaveLength(2);
    expect(() => attachPrototypeMasks(dets.with({ metadata: {} }), meta)).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_POSTPROCESS' }),
    );
  });
});

describe.skipIf(!HAS_SHARED)(
  `yolov8n-seg on dog.jpg (${HAS_SHARED ? 'shared data present' : SHARED_SKIP_REASON})`,
  () => {
    it('masks the dog inside its box, covering most of it; polygon and RLE agree', async () => {
      const classes = cocoNames();
      const m: ModelManifest = {
        ...manifest,
        input: { width: 320, height: 320, resize: 'letterbox', padColor: [114, 114, 114] },
        classes,
      };
      const session = await OnnxSession.create(sharedModel('yolov8n-seg_int8.onnx'));
      try {
        yolov8SegHead.validate(session.outputs, m);
        const { data: rgb, info } = await sharp(sharedMedia('dog.jpg'))
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        const image = {
          data: new Uint8Array(rgb.buffer, rgb.byteOffset, rgb.length),
          width: info.width,
          height: info.height,
        };
        const { data, meta } = preprocess(image, m.input);
        const outputs = await session.run({ images: { data, dims: [1, 3, 320, 320] } });
        const [dets] = yolov8SegHead.decode(outputs, 1, {
          manifest: m,
          params: resolveDetectionParams(),
          inputWidth: 320,
          inputHeight: 320,
        });
        const withMasks = attachPrototypeMasks(dets, meta);
        const boxes = withMasks.xyxy.slice();
        mapBoxesToImage(boxes, meta);
        const dog = Array.from(withMasks.classId).indexOf(classes.indexOf('dog'));
        expect(dog).toBeGreaterThanOrEqual(0);
        const mask = withMasks.masks![dog];
        const [x1, y1, x2, y2] = boxes.subarray(dog * 4, dog * 4 + 4);
        expect(mask.x0).toBeGreaterThanOrEqual(Math.floor(x1));
        expect(mask.y0).toBeGreaterThanOrEqual(Math.floor(y1));
        expect(mask.x0 + mask.width).toBeLessThanOrEqual(Math.ceil(x2));
        expect(mask.y0 + mask.height).toBeLessThanOrEqual(Math.ceil(y2));
        expect(maskArea(mask) / ((x2 - x1) * (y2 - y1))).toBeGreaterThan(0.5);
        const fromPoly = polygonToMask(maskToPolygon(mask), image.width, image.height);
        const fromRle = rleToMask(maskToRle(mask, image.width, image.height));
        expect(maskIoU(fromPoly, fromRle)).toBeGreaterThanOrEqual(0.95);
      } finally {
        await session.dispose();
      }
    });
  },
);
