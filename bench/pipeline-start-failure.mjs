#!/usr/bin/env node
// How fast `inference pipeline run` exits after a start failure (a benchmark, not a test).
//   node bench/pipeline-start-failure.mjs
// Runs the real CLI (from source, through tsx) for each failing case and prints the exit
// code, the ms from the process start to its error line, and from the error line to exit.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { media, model, printTable, ROOT } from './common.mjs';

const bin = join(ROOT, 'apps/cli/src/bin.ts');
const port = await new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => ok(p));
  });
});
const video = media('example_video.mp4');
const cases = [
  ['model fails (no API key) + preview', ['-s', video, '-m', 'coco/3', '--sink', `preview:${port}`]],
  [
    'two previews, one port',
    ['-s', video, '-m', 'coco/3', '--sink', `preview:${port}`, '--sink', `preview:${port}`],
  ],
  [
    'jsonl:/proc/nope/out.jsonl',
    ['-s', video, '-m', model('yolov8n_int8.onnx'), '--sink', 'jsonl:/proc/nope/out.jsonl'],
  ],
  ['video:/proc/nope.mp4', ['-s', video, '-m', model('yolov8n_int8.onnx'), '--sink', 'video:/proc/nope.mp4']],
  ['ftp:// source', ['-s', 'ftp://example.com/v.mp4', '-m', 'coco/3']],
];

function run(args) {
  const env = { ...process.env, MODEL_CACHE_DIR: '/nonexistent-empty-cache' };
  delete env.ROBOFLOW_API_KEY;
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', bin, 'pipeline', 'run', ...args],
    {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let errorAt;
  let line = '';
  child.stderr.on('data', (c) => {
    const text = c.toString();
    if (errorAt === undefined && /^error/m.test(text)) {
      errorAt = performance.now();
      line = text.split('\n').find((l) => l.startsWith('error')) ?? '';
    }
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((ok) =>
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      const end = performance.now();
      ok([
        String(code ?? signal),
        errorAt === undefined ? '-' : errorAt - t0,
        errorAt === undefined ? '-' : end - errorAt,
        line.slice(0, 60),
      ]);
    }),
  );
}

const rows = [];
for (const [name, args] of cases) rows.push([name, ...(await run(args))]);
printTable(['case', 'exit', 'ms to error line', 'ms error line -> exit', 'error'], rows);
