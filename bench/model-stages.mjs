#!/usr/bin/env node
// Stage timings (decode, preprocess, infer, postprocess) for the shared
// detectors over the shared photos: `pnpm bench` (after `pnpm build`).
// Usage: node bench/model-stages.mjs [--iterations N] [--threads N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = process.env.INFERENCE_SHARED_DIR ?? resolve(root, '..', 'shared');
if (!existsSync(join(shared, 'models'))) {
  console.error(`no ${shared}/models: the benchmark needs the shared models and photos`);
  process.exit(2);
}
const args = process.argv.slice(2);
const photos = [
  'dog.jpg',
  'horses.jpg',
  'person.jpg',
  'giraffe.jpg',
  'eagle.jpg',
  'kite.jpg',
  'dogs.jpg',
  'crowd.jpg',
  'car.jpg',
  'beer.jpg',
].map((f) => join(shared, 'media', f));

// YOLOX needs a manifest: BGR, 0..255, letterbox at the top left.
const tmp = mkdtempSync(join(tmpdir(), 'bench-'));
const yolox = join(tmp, 'yolox_nano');
mkdirSync(yolox);
symlinkSync(join(shared, 'models', 'yolox_nano.onnx'), join(yolox, 'yolox_nano.onnx'));
writeFileSync(
  join(yolox, 'inference.json'),
  JSON.stringify({
    task: 'object-detection',
    family: 'yolox',
    weights: 'yolox_nano.onnx',
    input: {
      width: 416,
      height: 416,
      resize: 'letterbox',
      padAlign: 'top-left',
      colorOrder: 'bgr',
      scale: 1,
    },
    classes: readFileSync(join(shared, 'models', 'coco.names'), 'utf8')
      .trim()
      .split('\n'),
  }),
);

const cli = join(root, 'apps', 'cli', 'dist', 'bin.js');
for (const model of [join(shared, 'models', 'yolov8n_int8.onnx'), yolox]) {
  const r = spawnSync(process.execPath, [cli, 'benchmark', 'model', '-m', model, ...photos, ...args], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  console.log();
}
