import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_ALIASES, readAliasFile, writeAlias } from './aliases.js';
import { parseModelId } from './model-id.js';

const HASH = 'ab'.repeat(32);

describe('parseModelId', () => {
  it.each([
    ['coco/3', { kind: 'roboflow', id: 'coco/3', dataset: 'coco', version: '3', core: false }],
    [
      'my-data_set.v2/12',
      { kind: 'roboflow', id: 'my-data_set.v2/12', dataset: 'my-data_set.v2', version: '12', core: false },
    ],
    [
      'clip/ViT-B-16',
      { kind: 'roboflow', id: 'clip/ViT-B-16', dataset: 'clip', version: 'ViT-B-16', core: true },
    ],
    ['yolov8n-640', { kind: 'name', name: 'yolov8n-640' }],
    ['https://x.org/m.onnx', { kind: 'url', url: 'https://x.org/m.onnx' }],
    [
      `https://x.org/a/b/c.tgz?sig=1#sha256=${HASH.toUpperCase()}`,
      { kind: 'url', url: 'https://x.org/a/b/c.tgz?sig=1', sha256: HASH },
    ],
    ['/abs/dir/model', { kind: 'path', path: '/abs/dir/model' }],
    ['./rel/a/b', { kind: 'path', path: resolve('rel/a/b') }],
    ['~/models/x', { kind: 'path', path: join(homedir(), 'models/x') }],
    ['model.onnx', { kind: 'path', path: resolve('model.onnx') }],
    ['a/b/c.ONNX', { kind: 'path', path: resolve('a/b/c.ONNX') }],
    ['file:///tmp/m.onnx', { kind: 'path', path: '/tmp/m.onnx' }],
  ])('%s', (id, expected) => {
    expect(parseModelId(id)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['a/b/c', 'more than one'],
    ['coco/', 'bad segment'],
    ['/3', null],
    ['coco/..', 'bad segment'],
    ['coco/v3', 'must be an integer'],
    ['coco/ 3', 'bad segment'],
    ['s3://bucket/m.onnx', 'unsupported URL scheme'],
    ['https://x.org/m.onnx#frag', 'fragment'],
    ['coco/3\n', 'control characters'],
  ])('%j is refused (%s)', (id, text) => {
    if (text === null) {
      // '/3' is an absolute path, not an id
      expect(parseModelId(id).kind).toBe('path');
      return;
    }
    let err: unknown;
    try {
      parseModelId(id);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'CORE_ERR_MODEL_ID', status: 400 });
    expect((err as Error).message).toContain(text);
  });
});

describe('aliases', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alias-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['yolov8n-640', 'coco/3'],
    ['yolov8x-1280', 'coco/13'],
    ['yolov8m-seg-640', 'coco-dataset-vdnr1/5'],
    ['yolov8l-pose-640', 'coco-pose-detection/4'],
    ['yolov10b-640', 'coco/22'],
    ['yolo11s-640', 'coco/26'],
    ['yolov11x-640', 'coco/29'],
    ['yolo-nas-m-640', 'coco/15'],
    ['rfdetr-large', 'coco/50'],
    ['resnet101', 'classifiers/4'],
  ])('built-in %s -> %s', (alias, target) => {
    expect(BUILTIN_ALIASES[alias]).toBe(target);
  });

  it('reads, writes and removes user aliases atomically', async () => {
    expect(await readAliasFile(dir)).toEqual({});
    await writeAlias(dir, 'mine', '/models/mine');
    await writeAlias(dir, 'web', 'https://x.org/m.onnx');
    expect(JSON.parse(await readFile(join(dir, 'aliases.json'), 'utf8'))).toEqual({
      mine: '/models/mine',
      web: 'https://x.org/m.onnx',
    });
    await writeAlias(dir, 'mine', null);
    expect(await readAliasFile(dir)).toEqual({ web: 'https://x.org/m.onnx' });
  });

  it('refuses bad names and bad files', async () => {
    await expect(writeAlias(dir, 'a/b', 'coco/3')).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_ID' });
    await expect(writeAlias(dir, '../x', 'coco/3')).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_ID' });
    await expect(writeAlias(dir, 'ok', '  ')).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_ID' });
    await writeFile(join(dir, 'aliases.json'), '{"a": 3}');
    await expect(readAliasFile(dir)).rejects.toThrow(/alias "a"/);
    await writeFile(join(dir, 'aliases.json'), 'nope');
    await expect(readAliasFile(dir)).rejects.toThrow(/not valid JSON/);
  });
});
