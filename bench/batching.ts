#!/usr/bin/env -S npx tsx
// Dynamic batching vs per-core sessions on CPU, for a model that has a dynamic batch axis (the shared
// yolov8n_int8 and yolox_nano are exported with batch 1, so batching cannot apply to them).
// The model: a small convolutional network built here (3 stride-2 convolutions, 320x320 input, random weights),
// batch axis "N". Each configuration runs closed-loop callers on ready tensors for a few seconds:
//   sessions   one single-thread session per core in worker threads (the server's adaptive pool under load)
//   batching   the same pool behind BatchingSession (MAX_BATCH_SIZE 8)
//
//   npx tsx bench/batching.ts [seconds=5]
import { availableParallelism } from 'node:os';
// the runtime pieces straight from the core's source: the pool is internal (models build it), the bench builds one the same way
import { BatchingSession } from '../packages/core/src/internal/runtime/batching-session.js';
import { OnnxSession } from '../packages/core/src/internal/runtime/onnx-session.js';
import { SessionPool } from '../packages/core/src/internal/runtime/session-pool.js';
import type { InferenceSession } from '../packages/core/src/internal/runtime/types.js';
import { buildOnnxModel, type NodeSpec, type TensorSpec } from '../testing/onnx-builder.js';
// @ts-expect-error plain JS helper module
import { printTable } from './common.mjs';

const SIZE = 320;
const seconds = Number(process.argv[2] ?? 5);
const cores = availableParallelism();

function convNet(): Uint8Array {
  const nodes: NodeSpec[] = [];
  const initializers: TensorSpec[] = [];
  const channels = [3, 32, 64, 128];
  let x = 'images';
  for (let i = 1; i < channels.length; i++) {
    const [cin, cout] = [channels[i - 1], channels[i]];
    const w = new Float32Array(cout * cin * 9).map(() => (Math.random() - 0.5) * 0.2);
    initializers.push({ name: `w${i}`, dims: [cout, cin, 3, 3], data: w });
    nodes.push({
      op: 'Conv',
      inputs: [x, `w${i}`],
      outputs: [`c${i}`],
      attrs: { strides: [2, 2], pads: [1, 1, 1, 1] },
    });
    nodes.push({ op: 'Relu', inputs: [`c${i}`], outputs: [`r${i}`] });
    x = `r${i}`;
  }
  nodes.push({ op: 'GlobalAveragePool', inputs: [x], outputs: ['g'] });
  nodes.push({ op: 'Flatten', inputs: ['g'], outputs: ['out'] });
  return buildOnnxModel({
    inputs: [{ name: 'images', shape: ['N', 3, SIZE, SIZE] }],
    outputs: [{ name: 'out', shape: ['N', 128] }],
    nodes,
    initializers,
    opset: 13,
  });
}

async function measure(session: InferenceSession, callers: number): Promise<number> {
  const feeds = { images: { data: new Float32Array(3 * SIZE * SIZE).fill(0.5), dims: [1, 3, SIZE, SIZE] } };
  await Promise.all(Array.from({ length: callers }, () => session.run(feeds)));
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        await session.run(feeds);
        n++;
      }
    }),
  );
  return n / ((performance.now() - t0) / 1000);
}

const onnx = convNet();
const pool = async () =>
  new SessionPool(
    await Promise.all(
      Array.from({ length: cores }, () => OnnxSession.create(onnx, { intraOpThreads: 1, worker: true })),
    ),
  );
const sizes: number[] = [];
const rows: (string | number)[][] = [];
for (const c of [8, 32]) {
  const plain = await pool();
  const a = await measure(plain, c);
  await plain.dispose();
  const inner = await pool();
  const batched = new BatchingSession(inner, {
    maxBatch: 8,
    capacity: inner.size,
    onBatch: (r) => sizes.push(r),
  });
  sizes.length = 0;
  const b = await measure(batched, c);
  const mean = sizes.reduce((s, v) => s + v, 0) / Math.max(1, sizes.length);
  await batched.dispose();
  rows.push([c, a, b, b / a, mean]);
}
console.log(`cores: ${cores}; conv net ${SIZE}x${SIZE}, dynamic batch; ${seconds} s per point`);
printTable(
  [
    'c',
    `sessions (${cores} x 1 thread) img/s`,
    'batching (max 8) img/s',
    'batching / sessions',
    'mean batch',
  ],
  rows,
);
process.exit(0);
