#!/usr/bin/env -S npx tsx
// Active learning benchmark (not a test), on the built packages (worker-thread sessions need the
// built JS): npx -y pnpm@12.4.2 build, then from the repository root:
//   npx tsx bench/active-learning.ts [latency|outbox|all]
// latency: request latency with AL off vs on (every request sampled, to a Roboflow target that
//          sleeps 200 ms per upload) at concurrency 1 and 4; p50/p99 and what AL adds.
// outbox:  datapoints/s into the outbox (register) and out of it to a COCO folder (flush).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImageBytes, encodeImage } from '@inference-ts/core';
import { buildServer } from '../apps/server/dist/index.js';
import { ActiveLearning } from '../packages/active-learning/dist/index.js';
import { startFakeRoboflow } from '../testing/fake-roboflow.js';
import { cocoNames, HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../testing/shared.js';

if (!HAS_SHARED) {
  console.error(SHARED_SKIP_REASON);
  process.exit(2);
}
const mode = process.argv[2] ?? 'all'; // latency | outbox | submit | all
const root = mkdtempSync(join(tmpdir(), 'bench-al-'));
const config = {
  enabled: true,
  persist_predictions: true,
  sampling_strategies: [{ name: 'all', type: 'random', traffic_percentage: 1 }],
  batching_strategy: { batches_name_prefix: 'bench', recreation_interval: 'never' },
};
const pct = (v: number[], p: number) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

/** Distinct JPEGs of one photo (a duplicate would skip the slow upload). */
async function distinctImages(n: number): Promise<string[]> {
  const src = await decodeImageBytes(readFileSync(sharedMedia('dog.jpg')));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const data = Uint8Array.from(src.data);
    data[i * 3] ^= 0xff; // one pixel differs
    out.push(
      (await encodeImage({ data, width: src.width, height: src.height }, 'jpeg', 90)).toString('base64'),
    );
  }
  return out;
}

async function latency(): Promise<void> {
  const fake = await startFakeRoboflow({
    models: {
      'coco/3': {
        onnxBytes: readFileSync(sharedModel('yolov8n_int8.onnx')),
        environment: {
          PREPROCESSING: {
            resize: { enabled: true, width: 640, height: 640, format: 'Fit (grey edges) in' },
          },
        },
        classes: cocoNames(),
        modelType: 'yolov8n',
      },
    },
    activeLearning: { projects: { coco: { config } } },
  });
  fake.al.uploadDelayMs = 200;
  const perC: Record<number, number> = { 1: 60, 4: 120 };
  const images = await distinctImages(2 * (perC[1] + perC[4]) + 20);
  let next = 0;
  const rows: string[][] = [];
  const run = async (al: boolean, c: number) => {
    const app = await buildServer({
      engineOptions: { cacheDir: join(root, 'cache'), apiBaseUrl: fake.url, allowHttp: true },
      logger: process.env.BENCH_LOG ? { level: 'error' } : false,
      ...(al ? { activeLearning: { options: { dir: mkdtempSync(join(root, 'state-')) } } } : {}),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/infer/object_detection`;
    const one = async () => {
      const t0 = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model_id: 'coco/3',
          api_key: fake.apiKey,
          image: { type: 'base64', value: images[next++ % images.length] },
        }),
      });
      const body = await res.arrayBuffer();
      if (res.status !== 200)
        throw new Error(`HTTP ${res.status}: ${Buffer.from(body).toString().slice(0, 300)}`);
      return performance.now() - t0;
    };
    for (let i = 0; i < 5; i++) await one(); // load + warm
    const lat: number[] = [];
    let left = perC[c];
    await Promise.all(
      Array.from({ length: c }, async () => {
        while (left-- > 0) lat.push(await one());
      }),
    );
    const s = app.services.activeLearning?.al.counters;
    await app.close();
    return { p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length, s };
  };
  for (const c of [1, 4]) {
    // off, on, off: the baseline is the mean of the two runs around the AL run
    const off1 = await run(false, c);
    const on = await run(true, c);
    const off2 = await run(false, c);
    const p50 = (off1.p50 + off2.p50) / 2;
    const p99 = (off1.p99 + off2.p99) / 2;
    rows.push([
      String(c),
      `${off1.p50.toFixed(1)} / ${off2.p50.toFixed(1)}`,
      on.p50.toFixed(1),
      (on.p50 - p50).toFixed(2),
      `${off1.p99.toFixed(1)} / ${off2.p99.toFixed(1)}`,
      on.p99.toFixed(1),
      (on.p99 - p99).toFixed(2),
      `${on.s?.sampled} sampled, ${on.s?.delivered} delivered by close`,
    ]);
  }
  console.log(
    'request latency (ms), yolov8n_int8 on dog.jpg, every request sampled, target sleeps 200 ms per upload',
  );
  const header = [
    'c',
    'off p50 (before/after)',
    'on p50',
    'added p50',
    'off p99 (before/after)',
    'on p99',
    'added p99',
    'AL',
  ];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(w[i])).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  await fake.close();
}

/** What registration costs the caller: one `submit` (queue only), as the server calls it per result. */
async function submitCost(): Promise<void> {
  const state = mkdtempSync(join(root, 'submit-'));
  const al = await ActiveLearning.open({
    dir: state,
    target: `dir:${join(root, 'submit-ds')}`,
    config: { ...config, sampling_strategies: [{ name: 'none', type: 'random', traffic_percentage: 0 }] },
    queueCapacity: 1_000_000,
    queueMaxBytes: Number.MAX_SAFE_INTEGER,
  });
  const image = { data: new Uint8Array(768 * 576 * 3), width: 768, height: 576 };
  const result = { toJSON: () => ({ image: { width: 768, height: 576 }, predictions: [] }) };
  const t: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 1000; i++) {
      const t0 = performance.now();
      al.submit({
        image: () => image,
        sizeHint: image.data.length,
        prediction: () => result.toJSON(),
        predictionType: 'object-detection',
        modelId: 'coco/3',
        inferenceId: 'r',
        apiKey: 'k',
      });
      t.push((performance.now() - t0) * 1000);
    }
    await al.idle();
  }
  await al.close();
  console.log(
    `submit() on the request path: p50 ${pct(t, 50).toFixed(1)} µs, p99 ${pct(t, 99).toFixed(1)} µs (${t.length} calls)`,
  );
}

async function outbox(): Promise<void> {
  const n = 400;
  const frames = Array.from({ length: n }, (_, k) => {
    const data = new Uint8Array(640 * 480 * 3);
    for (let i = 0; i < data.length; i += 97) data[i] = (i + k * 31) & 255;
    return { data, width: 640, height: 480 };
  });
  const prediction = {
    image: { width: 640, height: 480 },
    predictions: [{ x: 100, y: 100, width: 50, height: 40, confidence: 0.9, class: 'dog', class_id: 16 }],
  };
  const state = mkdtempSync(join(root, 'outbox-'));
  const folder = join(root, 'dataset');
  const al = await ActiveLearning.open({
    dir: state,
    target: `dir:${folder}`,
    config,
    delivery: { autoStart: false, concurrency: 4 },
  });
  let t0 = performance.now();
  for (const image of frames) {
    const r = await al.register({
      image,
      prediction,
      predictionType: 'object-detection',
      modelId: 'bench/1',
    });
    if (r !== 'accepted') throw new Error(r);
  }
  const registerS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const f = await al.flush(600_000);
  const flushS = (performance.now() - t0) / 1000;
  await al.close();
  console.log(`outbox, ${n} datapoints of 640x480 (JPEG q95), folder target:`);
  console.log(`  register (sample, encode, write, commit): ${(n / registerS).toFixed(0)} datapoints/s`);
  console.log(
    `  deliver to the COCO folder (flush):       ${(f.delivered / flushS).toFixed(0)} datapoints/s (${f.delivered} delivered, ${f.pending} pending)`,
  );
}

try {
  if (mode === 'latency' || mode === 'all') {
    await submitCost();
    await latency();
  }
  if (mode === 'submit') await submitCost();
  if (mode === 'outbox' || mode === 'all') await outbox();
} finally {
  rmSync(root, { recursive: true, force: true });
}
