import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedModel } from '../../../../../testing/shared.js';
import { readModelDir, readOnnxFile } from './read.js';

const ONNX = constantOutputModel(
  { name: 'images', shape: [1, 3, 8, 8] },
  { out: { dims: [1, 2], data: [1, 2] } },
);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'manifest-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const json = (name: string, v: unknown) =>
  writeFile(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));

describe('inference.json layout', () => {
  const good = {
    task: 'object-detection',
    family: 'yolov8',
    weights: 'model.onnx',
    input: { width: 320, height: 256, resize: 'letterbox', padColor: [1, 2, 3] },
    classes: ['a', 'b'],
    colors: { a: '#ff0000' },
  };

  it('reads a valid manifest', async () => {
    await writeFile(join(dir, 'model.onnx'), ONNX);
    await json('inference.json', good);
    const m = await readModelDir(dir);
    expect(m.layout).toBe('inference-json');
    expect(m.weightsPath).toBe(join(dir, 'model.onnx'));
    expect(m.manifest.input).toEqual(good.input);
    expect(m.manifest.classes).toEqual(['a', 'b']);
  });

  it.each([
    ['missing task', { ...good, task: undefined }, '"task"'],
    ['bad task', { ...good, task: 'detect' }, '"task" must be one of'],
    [
      'bad width',
      { ...good, input: { ...good.input, width: -3 } },
      '"input.width" must be a positive integer',
    ],
    ['bad resize', { ...good, input: { ...good.input, resize: 'fit' } }, '"input.resize"'],
    ['bad pad', { ...good, input: { ...good.input, padColor: [0, 0, 300] } }, '"input.padColor[2]"'],
    ['zero std', { ...good, input: { ...good.input, std: [1, 0, 1] } }, '"input.std[1]"'],
    ['class not string', { ...good, classes: ['a', 3] }, '"classes[1]"'],
    ['bad colour', { ...good, colors: { a: 'red' } }, '"colors.a"'],
    ['unknown field', { ...good, clases: [] }, 'unknown field "clases"'],
    ['escaping weights', { ...good, weights: '../x.onnx' }, '"weights"'],
    [
      'bad crop',
      { ...good, adjustments: { staticCrop: { xMin: 50, yMin: 0, xMax: 10, yMax: 100 } } },
      'staticCrop.xMax',
    ],
    ['bad skeleton', { ...good, keypoints: { names: ['a'], skeleton: [[0, 1]] } }, 'keypoints.skeleton[0]'],
  ])('%s -> CORE_ERR_MODEL_MANIFEST naming the field', async (_n, manifest, text) => {
    await writeFile(join(dir, 'model.onnx'), ONNX);
    await json('inference.json', manifest);
    const err = await readModelDir(dir).catch((e) => e);
    expect(err.code).toBe('CORE_ERR_MODEL_MANIFEST');
    expect(err.message).toContain(text);
  });

  it('rejects invalid JSON and missing weights', async () => {
    await json('inference.json', '{ nope');
    await expect(readModelDir(dir)).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_MANIFEST' });
    await json('inference.json', good);
    await expect(readModelDir(dir)).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_ARTEFACT' });
  });
});

describe('Roboflow cache layout', () => {
  const pre = {
    resize: { enabled: true, width: '416', height: 320, format: 'Fit (white edges) in' },
    'static-crop': { enabled: true, x_min: 10, y_min: '20', x_max: 90, y_max: 80 },
    grayscale: { enabled: true },
    contrast: { enabled: true, type: 'Histogram Equalization' },
    'auto-orient': { enabled: false },
  };

  async function roboflowDir(env: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    await writeFile(join(dir, 'weights.onnx'), ONNX);
    await json('environment.json', env);
    for (const [k, v] of Object.entries(extra)) await json(k, v);
  }

  it.each([
    ['a dict', pre],
    ['a JSON string', JSON.stringify(pre)],
  ])('reads PREPROCESSING given as %s', async (_n, PREPROCESSING) => {
    await roboflowDir(
      { PREPROCESSING, CLASS_MAP: { '0': 'car', '1': 'bus' }, COLORS: { car: '#112233', bus: 'nope' } },
      { 'model_type.json': { project_task_type: 'instance-segmentation', model_type: 'yolov8s-seg' } },
    );
    const { manifest, layout } = await readModelDir(dir);
    expect(layout).toBe('roboflow');
    expect(manifest.task).toBe('instance-segmentation');
    expect(manifest.family).toBe('yolov8');
    expect(manifest.input).toMatchObject({
      width: 416,
      height: 320,
      resize: 'letterbox',
      padColor: [255, 255, 255],
    });
    expect(manifest.adjustments).toEqual({
      staticCrop: { xMin: 10, yMin: 20, xMax: 90, yMax: 80 },
      grayscale: true,
      contrast: 'histogram-equalization',
      autoOrient: false,
    });
    // CLASS_MAP fallback (no class_names.txt); invalid colours dropped
    expect(manifest.classes).toEqual(['car', 'bus']);
    expect(manifest.colors).toEqual({ car: '#112233' });
  });

  it.each([
    ['Stretch to', 'stretch', undefined],
    ['Fit (black edges) in', 'letterbox', [0, 0, 0]],
    ['Fit (grey edges) in', 'letterbox', [114, 114, 114]],
    ['Fit (white edges) in', 'letterbox', [255, 255, 255]],
    ['Fit (reflect edges) in', 'letterbox', [0, 0, 0]],
    ['Fit within', 'letterbox', [0, 0, 0]],
    ['Fill (with center crop) in', 'letterbox', [0, 0, 0]],
    ['Something new', 'stretch', undefined],
    [undefined, 'stretch', undefined],
  ])('resize format %s -> %s %j', async (format, resize, padColor) => {
    await roboflowDir({ PREPROCESSING: { resize: { enabled: true, width: 64, height: 64, format } } });
    const { manifest } = await readModelDir(dir);
    expect(manifest.input.resize).toBe(resize);
    expect(manifest.input.padColor).toEqual(padColor);
    expect(manifest.input.width).toBe(64);
  });

  it('prefers class_names.txt, reads keypoints and defaults to 640 and object detection', async () => {
    await roboflowDir(
      { CLASS_MAP: { '0': 'ignored' }, MULTICLASS: true },
      {
        'keypoints_metadata.json': [
          { object_class_id: 0, keypoints: { '0': 'nose', '1': 'eye' }, edges: [{ from: 0, to: 1 }] },
        ],
      },
    );
    await writeFile(join(dir, 'class_names.txt'), 'person\n\nhorse\n');
    const { manifest } = await readModelDir(dir);
    expect(manifest.classes).toEqual(['person', 'horse']);
    expect(manifest.task).toBe('object-detection');
    expect(manifest.family).toBe('auto');
    expect(manifest.input).toMatchObject({ width: 640, height: 640, resize: 'stretch' });
    expect(manifest.multiLabel).toBe(true);
    expect(manifest.keypoints).toEqual({ names: ['nose', 'eye'], skeleton: [[0, 1]] });
  });

  it('CLASS_MAP gaps get generic names; bad PREPROCESSING string is reported', async () => {
    await roboflowDir({ CLASS_MAP: { '0': 'a', '2': 'c' } });
    expect((await readModelDir(dir)).manifest.classes).toEqual(['a', 'class_1', 'c']);
    await json('environment.json', { PREPROCESSING: '{broken' });
    await expect(readModelDir(dir)).rejects.toThrow(/PREPROCESSING/);
  });

  it('unknown task type is refused', async () => {
    await roboflowDir({}, { 'model_type.json': { project_task_type: 'text-to-speech', model_type: 'x' } });
    await expect(readModelDir(dir)).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_MANIFEST' });
  });
});

describe('bare ONNX', () => {
  it('a directory with one .onnx gets defaults and sibling class names', async () => {
    await writeFile(join(dir, 'det.onnx'), ONNX);
    await writeFile(join(dir, 'coco.names'), 'person\nbicycle\n');
    const m = await readModelDir(dir);
    expect(m.layout).toBe('bare-onnx');
    expect(m.manifest).toMatchObject({
      task: 'object-detection',
      family: 'auto',
      weights: 'det.onnx',
      classes: ['person', 'bicycle'],
      input: {
        width: 640,
        height: 640,
        resize: 'letterbox',
        padColor: [114, 114, 114],
      },
    });
    // channel order, scale and pad placement are left to the detected family's conventions
    expect(m.manifest.input.colorOrder).toBeUndefined();
    expect(m.manifest.input.scale).toBeUndefined();
    expect(m.manifest.input.padAlign).toBeUndefined();
  });

  it('a file path without class names gets an empty list', async () => {
    await writeFile(join(dir, 'a.onnx'), ONNX);
    await writeFile(join(dir, 'b.onnx'), ONNX);
    const m = await readOnnxFile(join(dir, 'b.onnx'));
    expect(m.weightsPath).toBe(join(dir, 'b.onnx'));
    expect(m.manifest.classes).toEqual([]);
    // two ONNX files and no manifest: the directory is ambiguous
    await expect(readModelDir(dir)).rejects.toThrow(/several \.onnx/);
  });

  it('a file described by inference.json uses the manifest', async () => {
    await mkdir(join(dir, 'm'));
    await writeFile(join(dir, 'm', 'w.onnx'), ONNX);
    await writeFile(
      join(dir, 'm', 'inference.json'),
      JSON.stringify({
        task: 'classification',
        family: 'x',
        weights: 'w.onnx',
        input: { width: 8, height: 8, resize: 'stretch' },
        classes: [],
      }),
    );
    expect((await readOnnxFile(join(dir, 'm', 'w.onnx'))).manifest.task).toBe('classification');
  });

  it('missing paths and empty dirs are reported', async () => {
    await expect(readModelDir(join(dir, 'nope'))).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_NOT_FOUND' });
    await expect(readOnnxFile(join(dir, 'nope.onnx'))).rejects.toMatchObject({
      code: 'CORE_ERR_MODEL_NOT_FOUND',
    });
    await expect(readModelDir(dir)).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_MANIFEST' });
  });
});

describe.skipIf(!HAS_SHARED)(`shared models (${HAS_SHARED ? 'present' : SHARED_SKIP_REASON})`, () => {
  it('reads yolov8n_int8.onnx with coco.names beside it', async () => {
    const m = await readOnnxFile(sharedModel('yolov8n_int8.onnx'));
    expect(m.manifest.classes).toHaveLength(80);
    expect(m.manifest.classes[0]).toBe('person');
  });
});
