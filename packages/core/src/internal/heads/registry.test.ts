import { describe, expect, it } from 'vitest';
import { cocoNames, HAS_SHARED, SHARED_SKIP_REASON, sharedModel } from '../../../../../testing/shared.js';
import type { ModelManifest, Task } from '../manifest/types.js';
import { OnnxSession } from '../runtime/onnx-session.js';
import type { TensorInfo } from '../runtime/types.js';
import { detectFamily, getHead, headFor, normalizeFamily, registerHead } from './registry.js';
import type { DetectionHead } from './types.js';

const out = (name: string, shape: (number | string)[]): TensorInfo => ({ name, type: 'float32', shape });

describe('detectFamily', () => {
  it.each([
    { what: 'yolov8 [1, 84, 8400]', outputs: [out('output0', [1, 84, 8400])], c: 80, want: 'yolov8' },
    {
      what: 'yolov8 dynamic anchors',
      outputs: [out('output0', ['batch', 84, 'anchors'])],
      c: 80,
      want: 'yolov8',
    },
    { what: 'yolov8 one class', outputs: [out('output0', [1, 5, 8400])], c: 1, want: 'yolov8' },
    {
      what: 'yolov8-seg (extras + prototypes)',
      outputs: [out('output0', [1, 116, 2100]), out('output1', [1, 32, 80, 80])],
      c: 80,
      want: 'yolov8',
    },
    { what: 'yolov5 [1, 25200, 85]', outputs: [out('output0', [1, 25200, 85])], c: 80, want: 'yolov5' },
    // YOLOX and YOLOv5 share [1, N, 5+C]: one row per grid cell (YOLOX) or three (YOLOv5) over strides 8/16/32
    { what: 'yolox [1, 3549, 85] (416²)', outputs: [out('output', [1, 3549, 85])], c: 80, want: 'yolox' },
    {
      what: 'yolox at a given 416x416 input',
      outputs: [out('output', [1, 3549, 85])],
      c: 80,
      input: { width: 416, height: 416 },
      want: 'yolox',
    },
    {
      what: 'yolov5 [1, 10647, 85] (416²)',
      outputs: [out('output0', [1, 10647, 85])],
      c: 80,
      want: 'yolov5',
    },
    {
      what: 'yolox at a non-square 640x320 input',
      outputs: [out('output', [1, 4200, 85])],
      c: 80,
      input: { width: 640, height: 320 },
      want: 'yolox',
    },
    {
      what: 'yolov5 at a non-square 640x320 input',
      outputs: [out('output', [1, 12600, 85])],
      c: 80,
      input: { width: 640, height: 320 },
      want: 'yolov5',
    },
    {
      what: 'yolov5 P6 [1, 102000, 85] (1280²)',
      outputs: [out('o', [1, 102000, 85])],
      c: 80,
      want: 'yolov5',
    },
    {
      what: 'row model with dynamic rows',
      outputs: [out('output', [1, 'n', 7])],
      c: 2,
      error: /cannot tell YOLOv5 from YOLOX .*the row count is dynamic.*"family".*inference\.json/,
    },
    {
      what: 'row model whose rows fit no grid',
      outputs: [out('output', [1, 5000, 85])],
      c: 80,
      input: { width: 416, height: 416 },
      error: /5000 rows at a 416×416 input is neither one row per grid cell .*"family"/,
    },
    { what: 'end2end [1, 300, 6]', outputs: [out('output0', [1, 300, 6])], c: 80, want: 'end2end' },
    {
      what: 'DETR boxes + logits (C)',
      outputs: [out('pred_boxes', [1, 300, 4]), out('pred_logits', [1, 300, 80])],
      c: 80,
      want: 'end2end',
    },
    {
      what: 'DETR boxes + logits (C + 1)',
      outputs: [out('dets', [1, 300, 4]), out('labels', [1, 300, 81])],
      c: 80,
      want: 'end2end',
    },
    {
      what: '[1, N, 6] with one class',
      outputs: [out('output0', [1, 300, 6])],
      c: 1,
      error: /ambiguous.*yolov5 or yolox or end2end/,
    },
    { what: 'square output', outputs: [out('output0', [1, 10, 10])], c: 2, error: /cannot detect/ },
    { what: 'too few channels', outputs: [out('output0', [1, 6, 8400])], c: 80, error: /cannot detect/ },
    { what: 'all dynamic', outputs: [out('output0', [1, 'a', 'b'])], c: 80, error: /cannot detect/ },
    {
      what: 'DETR logits with wrong width',
      outputs: [out('boxes', [1, 300, 4]), out('logits', [1, 300, 91])],
      c: 80,
      error: /cannot detect/,
    },
    { what: 'rank-2 only', outputs: [out('probs', [1, 1000])], c: 1000, error: /cannot detect/ },
    { what: 'no outputs', outputs: [], c: 80, error: /no outputs/ },
  ])(
    '$what',
    ({
      outputs,
      c,
      want,
      error,
      input,
    }: {
      outputs: TensorInfo[];
      c: number;
      want?: string;
      error?: RegExp;
      input?: { width: number; height: number };
    }) => {
      if (error) {
        expect(() => detectFamily(outputs, c, input)).toThrow(error);
        expect(() => detectFamily(outputs, c, input)).toThrow(
          expect.objectContaining({ code: 'CORE_ERR_MODEL_FAMILY' }),
        );
      } else {
        expect(detectFamily(outputs, c, input)).toBe(want);
      }
    },
  );
});

const manifest = (family: string, classes: string[], task: Task = 'object-detection'): ModelManifest => ({
  task,
  family,
  weights: 'model.onnx',
  input: { width: 416, height: 416, resize: 'letterbox' },
  classes,
});

describe('head registry', () => {
  it('normalises family spellings', () => {
    expect(
      [
        'YOLO11s',
        'yolov8n',
        'yolov9-c',
        'yolov7',
        'yolox_nano',
        'rfdetr-base',
        'yolov10n',
        'end2end',
        'ssd',
      ].map(normalizeFamily),
    ).toEqual(['yolov8', 'yolov8', 'yolov8', 'yolov5', 'yolox', 'end2end', 'end2end', 'end2end', undefined]);
    expect(getHead('yolox').family).toBe('yolox');
    expect(() => getHead('ssd')).toThrow(
      /unknown model family 'ssd'; known families: yolov8, yolov5, yolox, end2end, yolov8-seg, yolov8-pose/,
    );
  });

  it('headFor picks, detects and validates', () => {
    const two = ['a', 'b'];
    expect(headFor(manifest('auto', two), [out('o', [1, 6, 8400])]).family).toBe('yolov8');
    expect(headFor(manifest('yolox', two), [out('o', [1, 3549, 7])]).family).toBe('yolox');
    expect(() => headFor(manifest('yolov8', two), [out('o', [1, 5, 8400])])).toThrow(/manifest's 2 classes/);
    expect(() => headFor(manifest('auto', two), [out('o', [1, 10, 10])])).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_MODEL_FAMILY' }),
    );
  });

  it('switches to the task variant (-seg / -pose) when one is registered', () => {
    const outputs = [out('output0', [1, 38, 2100]), out('output1', [1, 32, 80, 80])];
    expect(headFor(manifest('auto', ['a', 'b'], 'instance-segmentation'), outputs).family).toBe('yolov8-seg');
    expect(headFor(manifest('yolov8', ['a', 'b']), outputs).family).toBe('yolov8');
    expect(
      headFor(manifest('yolov8', ['a', 'b'], 'keypoint-detection'), [out('output0', [1, 57, 8400])]).family,
    ).toBe('yolov8-pose');
    // No yolov5 segmentation head: the detection head stays.
    expect(
      headFor(manifest('yolov5', ['a', 'b'], 'instance-segmentation'), [out('o', [1, 25200, 39])]).family,
    ).toBe('yolov5');
  });

  it('registerHead adds a family', () => {
    const mine: DetectionHead = { family: 'my-family', validate: () => {}, decode: () => [] };
    registerHead(mine);
    expect(headFor(manifest('my-family', ['a']), [])).toBe(mine);
  });
});

describe.skipIf(!HAS_SHARED)(
  `real model metadata (${HAS_SHARED ? 'shared found' : SHARED_SKIP_REASON})`,
  () => {
    const outputsOf = async (name: string) => {
      const s = await OnnxSession.create(sharedModel(name));
      try {
        return s.outputs;
      } finally {
        await s.dispose();
      }
    };

    it('yolov8n_int8 and yolov8n-seg are detected as yolov8', async () => {
      const c = cocoNames().length;
      expect(detectFamily(await outputsOf('yolov8n_int8.onnx'), c)).toBe('yolov8');
      expect(detectFamily(await outputsOf('yolov8n-seg_int8.onnx'), c)).toBe('yolov8');
    });

    it('yolox_nano is told from yolov5 by its row count and validates as yolox', async () => {
      const outputs = await outputsOf('yolox_nano.onnx');
      expect(detectFamily(outputs, cocoNames().length, { width: 416, height: 416 })).toBe('yolox');
      expect(headFor(manifest('yolox', cocoNames()), outputs).family).toBe('yolox');
    });
  },
);
