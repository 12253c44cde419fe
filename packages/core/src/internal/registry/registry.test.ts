import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeRoboflow, startFakeRoboflow } from '../../../../../testing/fake-roboflow.js';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import { ModelRegistry } from './registry.js';

const ONNX = constantOutputModel(
  { name: 'images', shape: [1, 3, 8, 8] },
  { out: { dims: [1, 2], data: [1, 2] } },
);

let rf: FakeRoboflow;
beforeAll(async () => {
  rf = await startFakeRoboflow({
    models: {
      'coco/3': {
        onnxBytes: ONNX,
        classes: ['person', 'bicycle'],
        colors: { person: '#ff0000' },
        modelType: 'yolov8n',
        environment: {
          PREPROCESSING: JSON.stringify({
            resize: { enabled: true, width: 320, height: 320, format: 'Fit (black edges) in' },
          }),
          CLASS_MAP: { '0': 'ignored' },
        },
      },
      'pose-set/2': {
        onnxBytes: ONNX,
        type: 'keypoint-detection',
        modelType: 'yolov8n-pose',
        classes: ['person'],
        keypointsMetadata: [{ object_class_id: 0, keypoints: { '0': 'nose', '1': 'left_eye' } }],
      },
    },
  });
});
afterAll(async () => {
  await rf.close();
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'registry-test-'));
  for (const k of Object.keys(rf.requests)) delete rf.requests[k];
  rf.log.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cacheDir = () => join(dir, 'cache');
const online = (extra = {}) =>
  new ModelRegistry({
    cacheDir: cacheDir(),
    apiBaseUrl: rf.url,
    apiKey: rf.apiKey,
    allowHttp: true,
    ...extra,
  });

describe('Roboflow models', () => {
  it('downloads once, then a fresh registry resolves from the cache offline and without a key', async () => {
    const r1 = await online().resolve('coco/3');
    expect(r1).toMatchObject({ id: 'coco/3', source: 'roboflow', dir: join(cacheDir(), 'coco', '3') });
    expect(r1.manifest).toMatchObject({
      task: 'object-detection',
      family: 'yolov8',
      classes: ['person', 'bicycle'],
      colors: { person: '#ff0000' },
      input: { width: 320, height: 320, resize: 'letterbox', padColor: [0, 0, 0] },
    });
    expect(await readFile(r1.weightsPath)).toEqual(Buffer.from(ONNX));
    expect((await readdir(r1.dir)).sort()).toEqual([
      '.inference-ts-entry.json',
      'class_names.txt',
      'environment.json',
      'model_type.json',
      'weights.onnx',
    ]);
    const ort = rf.log.find((r) => r.path === '/ort/coco/3');
    expect(ort?.query).toMatchObject({
      nocache: 'true',
      dynamic: 'true',
      api_key: rf.apiKey,
      device: expect.any(String),
    });
    expect(ort?.headers['x-roboflow-inference-version']).toBeTruthy();

    const before = rf.total();
    // no apiBaseUrl pointing at the fake, no key: only the cache can answer
    const offline = new ModelRegistry({ cacheDir: cacheDir(), apiBaseUrl: 'http://127.0.0.1:1' });
    const r2 = await offline.resolve('coco/3');
    expect(r2).toMatchObject({ id: 'coco/3', source: 'cache', weightsPath: r1.weightsPath });
    expect(r2.manifest).toEqual(r1.manifest);
    expect(rf.total()).toBe(before);
  });

  it('concurrent resolves (by id and by alias) share one download', async () => {
    const reg = online();
    const all = await Promise.all([reg.resolve('coco/3'), reg.resolve('yolov8n-640'), reg.resolve('coco/3')]);
    expect(rf.requests['/ort/coco/3']).toBe(1);
    expect(rf.requests['/files/coco/3/weights.onnx']).toBe(1);
    expect(all.map((r) => r.id)).toEqual(['coco/3', 'coco/3', 'coco/3']);
    expect(all[1].alias).toBe('yolov8n-640');
  });

  it('two registries racing on one cache both succeed with one complete copy', async () => {
    const [a, b] = await Promise.all([online().resolve('coco/3'), online().resolve('coco/3')]);
    expect(a.weightsPath).toBe(b.weightsPath);
    expect(rf.requests['/ort/coco/3']).toBe(1); // the lock made the second wait and reuse
    expect(await readdir(join(cacheDir(), 'coco'))).toEqual(['3']);
  });

  it('writes keypoint metadata and model type', async () => {
    const r = await online().resolve('pose-set/2');
    expect(r.manifest).toMatchObject({
      task: 'keypoint-detection',
      family: 'yolov8',
      keypoints: { names: ['nose', 'left_eye'] },
    });
    expect(JSON.parse(await readFile(join(r.dir, 'model_type.json'), 'utf8'))).toEqual({
      project_task_type: 'keypoint-detection',
      model_type: 'yolov8n-pose',
      model_id: 'pose-set/2',
    });
  });

  it.each([
    ['a wrong key', { apiKey: 'wrong' }, 'coco/3', 'CORE_ERR_API_UNAUTHORIZED'],
    ['an unknown model', {}, 'nope/1', 'CORE_ERR_API_NOT_FOUND'],
    ['no key', { apiKey: undefined }, 'coco/3', 'CORE_ERR_API_KEY_MISSING'],
    ['an unreachable API', { apiBaseUrl: 'http://127.0.0.1:1' }, 'coco/3', 'CORE_ERR_API_UNREACHABLE'],
  ])('%s -> %s', async (_n, extra, id, code) => {
    const err = await online(extra)
      .resolve(id)
      .catch((e) => e);
    expect(err.code).toBe(code);
    expect(err.message).not.toContain('api_key=wrong');
    expect(await online().list()).toEqual([]);
  });

  it('the per-request key wins over the registry key', async () => {
    await expect(online({ apiKey: 'wrong' }).resolve('coco/3', { apiKey: rf.apiKey })).resolves.toMatchObject(
      { source: 'roboflow' },
    );
  });

  it('list, pull --force and remove', async () => {
    const reg = online();
    await reg.resolve('coco/3');
    await reg.resolve('pose-set/2');
    expect((await reg.list()).map((m) => m.id).sort()).toEqual(['coco/3', 'pose-set/2']);
    expect((await reg.pull('coco/3')).source).toBe('cache');
    expect((await reg.pull('coco/3', { force: true })).source).toBe('roboflow');
    expect(rf.requests['/ort/coco/3']).toBe(2);
    expect(await reg.remove('yolov8n-640')).toBe(true);
    expect(await reg.remove('coco/3')).toBe(false);
    expect((await reg.list()).map((m) => m.id)).toEqual(['pose-set/2']);
  });

  it('lists models a Roboflow cache wrote without our entry file', async () => {
    const d = join(cacheDir(), 'legacy', '7');
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'weights.onnx'), ONNX);
    await writeFile(join(d, 'environment.json'), '{}');
    await mkdir(join(cacheDir(), 'partial', '1'), { recursive: true });
    expect((await online().list()).map((m) => m.id)).toEqual(['legacy/7']);
    expect(await new ModelRegistry({ cacheDir: cacheDir() }).resolve('legacy/7')).toMatchObject({
      source: 'cache',
    });
  });
});

describe('local paths, aliases and bad ids', () => {
  it('resolves folders and .onnx files, relative or absolute', async () => {
    await mkdir(join(dir, 'm'));
    await writeFile(join(dir, 'm', 'net.onnx'), ONNX);
    const reg = new ModelRegistry({ cacheDir: cacheDir() });
    expect(await reg.resolve(join(dir, 'm'))).toMatchObject({ id: join(dir, 'm'), source: 'local' });
    expect(await reg.resolve(join(dir, 'm', 'net.onnx'))).toMatchObject({
      weightsPath: join(dir, 'm', 'net.onnx'),
      source: 'local',
    });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await reg.resolve('m')).source).toBe('local');
      expect((await reg.resolve('./m/net.onnx')).source).toBe('local');
    } finally {
      process.chdir(cwd);
    }
  });

  it('user aliases (file and option) can target local paths', async () => {
    await mkdir(join(dir, 'm'));
    await writeFile(join(dir, 'm', 'net.onnx'), ONNX);
    const reg = new ModelRegistry({ cacheDir: cacheDir(), aliases: { opt: join(dir, 'm') } });
    await reg.setAlias('mine', join(dir, 'm', 'net.onnx'));
    expect(await new ModelRegistry({ cacheDir: cacheDir() }).resolve('mine')).toMatchObject({
      alias: 'mine',
      source: 'local',
    });
    expect(await reg.resolve('opt')).toMatchObject({ alias: 'opt', id: join(dir, 'm') });
    expect((await reg.aliases())['yolov8n-640']).toBe('coco/3');
  });

  it.each([
    // no dataset/<integer> form: a relative folder was meant, and it does not exist
    [
      'path/to/model-dir',
      'CORE_ERR_MODEL_NOT_FOUND',
      /^no model file or folder at \/.*path\/to\/model-dir \(/,
    ],
    [
      'coco/latest',
      'CORE_ERR_MODEL_NOT_FOUND',
      /no model file or folder at .*coco\/latest .*must be an integer/,
    ],
    ['no-such-alias', 'CORE_ERR_MODEL_NOT_FOUND', /not an alias.*no file or folder at \/.*no-such-alias/],
    ['./missing/dir', 'CORE_ERR_MODEL_NOT_FOUND', /no model file or folder at \/.*missing\/dir$/],
    ['missing.onnx', 'CORE_ERR_MODEL_NOT_FOUND', /no model file or folder at \/.*missing\.onnx$/],
    ['clip/ViT-B-16', 'CORE_ERR_MODEL_NOT_FOUND', /core model/],
    ['ftp://host/m.onnx', 'CORE_ERR_MODEL_ID', /unsupported URL scheme/],
  ])('%s -> %s', async (id, code, message) => {
    await expect(new ModelRegistry({ cacheDir: cacheDir() }).resolve(id)).rejects.toMatchObject({
      code,
      message: expect.stringMatching(message),
    });
  });

  it('an existing relative folder is used even when it looks like name/version', async () => {
    await mkdir(join(dir, 'models', 'yolo'), { recursive: true });
    await writeFile(join(dir, 'models', 'yolo', 'net.onnx'), ONNX);
    await mkdir(join(dir, 'deep', 'er', 'dir'), { recursive: true });
    await writeFile(join(dir, 'deep', 'er', 'dir', 'net.onnx'), ONNX);
    const reg = new ModelRegistry({ cacheDir: cacheDir() });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await reg.resolve('models/yolo')).source).toBe('local');
      expect((await reg.resolve('deep/er/dir')).source).toBe('local');
    } finally {
      process.chdir(cwd);
    }
  });

  it('errors for an alias name the alias the user typed and what it stands for', async () => {
    const reg = new ModelRegistry({ cacheDir: cacheDir(), apiBaseUrl: rf.url });
    await expect(reg.resolve('yolov8n-640')).rejects.toMatchObject({
      code: 'CORE_ERR_API_KEY_MISSING',
      message: expect.stringMatching(/^"yolov8n-640" is an alias of coco\/3: model coco\/3 is not cached/),
    });
  });
});
