import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRoboflow } from '../../../testing/fake-roboflow.js';
import {
  cocoNames,
  HAS_SHARED,
  SHARED_SKIP_REASON,
  sharedMedia,
  sharedModel,
} from '../../../testing/shared.js';
import { runCli } from './run-cli.js';

// the tests below that need ../shared say so instead of vanishing from the report
if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
const needsShared = (title: string) =>
  `${title} (${HAS_SHARED ? 'shared data present' : SHARED_SKIP_REASON})`;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-test-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('errors', () => {
  it('an unknown model prints one line and exits non-zero', async () => {
    const r = await runCli(['infer', '--model', 'nope/xyz', 'a.jpg', '--cache-dir', join(root, 'c0')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // no dataset/<integer> form and no such folder: reported as the missing path it must have meant
    expect(r.stderr).toMatch(/^error \[CORE_ERR_MODEL_NOT_FOUND\]: no model file or folder at .*nope\/xyz/);
    expect(r.stdout).toBe('');
  });

  it('a bad option value is refused before anything loads', async () => {
    const r = await runCli(['infer', '--model', 'x', '--confidence', 'high', 'a.jpg']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--confidence must be a number/);
  });
});

describe.skipIf(!HAS_SHARED)(needsShared('inference infer'), () => {
  it('prints one JSON result per image and writes annotated images', async () => {
    const out = join(root, 'annotated');
    const r = await runCli([
      'infer',
      '--model',
      sharedModel('yolov8n_int8.onnx'),
      sharedMedia('dog.jpg'),
      sharedMedia('horses.jpg'),
      '--annotate',
      out,
      '--cache-dir',
      join(root, 'c1'),
    ]);
    // stderr says where each annotated image went; stdout stays JSON
    expect(r.stderr).toBe(
      `annotated ${sharedMedia('dog.jpg')} -> ${join(out, 'dog.jpg')}\n` +
        `annotated ${sharedMedia('horses.jpg')} -> ${join(out, 'horses.jpg')}\n`,
    );
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0].predictions.map((p: { class: string }) => p.class)).toContain('dog');
    expect(lines[1].predictions.map((p: { class: string }) => p.class)).toContain('horse');
    expect((await readdir(out)).sort()).toEqual(['dog.jpg', 'horses.jpg']);
    const meta = await sharp(await readFile(join(out, 'dog.jpg'))).metadata();
    expect([meta.width, meta.height]).toEqual([768, 576]);
    // boxes were drawn: the annotated image differs from the original
    const a = await sharp(join(out, 'dog.jpg')).raw().toBuffer();
    const b = await sharp(sharedMedia('dog.jpg')).raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]) > 60 ? 1 : 0;
    expect(diff).toBeGreaterThan(1000);
  });

  it('reads printed text with the built-in OCR', async () => {
    const r = await runCli(['infer', '--model', 'pp-ocr', sharedMedia('multi_line_text.jpg')]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.result).toMatch(/MAKE/);
    expect(json.parent_id).toBeNull();
  });
});

describe.skipIf(!HAS_SHARED)(needsShared('inference models'), () => {
  it('pull, list, describe and rm against the Roboflow API; MODEL_CACHE_DIR is honoured offline', async () => {
    const fake = await startFakeRoboflow({
      models: {
        'coco/3': {
          onnxBytes: await readFile(sharedModel('yolov8n_int8.onnx')),
          environment: {
            PREPROCESSING: {
              resize: { enabled: true, width: 640, height: 640, format: 'Fit (grey edges) in' },
            },
          },
          classes: cocoNames(),
          modelType: 'yolov8n',
        },
      },
    });
    const cache = join(root, 'rf-cache');
    try {
      const env = { MODEL_CACHE_DIR: cache, ROBOFLOW_API_KEY: fake.apiKey, API_BASE_URL: fake.url };
      // the fake speaks plain http; the CLI refuses http model downloads unless asked
      const pulled = await runCli(['models', 'pull', 'coco/3', '--allow-http'], env);
      expect(pulled.stderr).toBe('');
      expect(pulled.stdout).toMatch(/coco\/3/);
      const listed = await runCli(['models', 'list'], env);
      expect(listed.stdout).toMatch(/coco\/3/);
      await fake.close();
      // offline, no key: served from the cache in Roboflow's layout
      const offline = { MODEL_CACHE_DIR: cache, ROBOFLOW_API_KEY: undefined, API_BASE_URL: fake.url };
      const described = await runCli(['models', 'describe', 'coco/3'], offline);
      expect(described.code).toBe(0);
      expect(JSON.parse(described.stdout)).toMatchObject({
        task: 'object-detection',
        family: 'yolov8',
        inputWidth: 640,
      });
      const inferred = await runCli(['infer', '-m', 'coco/3', sharedMedia('dog.jpg')], offline);
      expect(JSON.parse(inferred.stdout).predictions.map((p: { class: string }) => p.class)).toContain('dog');
      const removed = await runCli(['models', 'rm', 'coco/3'], offline);
      expect(removed.code).toBe(0);
      const after = await runCli(['models', 'describe', 'coco/3'], offline);
      expect(after.code).not.toBe(0);
      expect(after.stderr).toMatch(/^error \[CORE_ERR_API_KEY_MISSING\]/);
    } finally {
      await fake.close().catch(() => {});
    }
  });
});
