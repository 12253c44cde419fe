#!/usr/bin/env -S npx tsx
// Active learning benchmark (not a test), on the built packages (worker-thread sessions need the
// built JS): npx -y pnpm@12.4.2 build, then from the repository root:
//   npx tsx bench/active-learning.ts [latency|outbox|all]
// latency: request latency with AL off vs on (every request sampled, to a Roboflow target that
//          sleeps 200 ms per upload) at concurrency 1 and 4; p50/p99 and what AL adds.
// outbox:  datapoints/s into the outbox (register) and out of it to a COCO folder (flush).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeImage } from '@inference-ts/core';
import { decodeImageBytes } from '@inference-ts/core/image';
import { ActiveLearning } from '../packages/active-learning/dist/index.js';
import { startFakeRoboflow } from '../testing/fake-roboflow.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../testing/shared.js';
// @ts-expect-error plain JS helper module
import { startServerChild } from './server-child.mjs';

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
  const fake = await startFakeRoboflow({ models: {}, activeLearning: {} });
  fake.al.uploadDelayMs = 200;
  const cfgPath = join(root, 'al.json');
  writeFileSync(cfgPath, JSON.stringify(config));
  const common = { ALLOW_LOCAL_MODEL_PATHS: 'true', MODEL_CACHE_DIR: join(root, 'cache') };
  // two built servers, each its own process: AL off, and AL on (local config, Roboflow target = the fake)
  const off = await startServerChild({ ...common, ACTIVE_LEARNING_ENABLED: 'false' });
  const on = await startServerChild({
    ...common,
    ACTIVE_LEARNING_CONFIG: cfgPath,
    ACTIVE_LEARNING_DIR: join(root, 'state-on'),
    API_BASE_URL: fake.url,
  });
  const rounds = Number(process.env.ROUNDS ?? 8);
  const block = 10;
  const images = await distinctImages(2 * 2 * rounds * block + 20);
  let next = 0;
  const one = async (url: string) => {
    const t0 = performance.now();
    const res = await fetch(`${url}/infer/object_detection`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model_id: sharedModel('yolov8n_int8.onnx'),
        api_key: fake.apiKey,
        image: { type: 'base64', value: images[next++ % images.length] },
      }),
    });
    const body = await res.arrayBuffer();
    if (res.status !== 200)
      throw new Error(`HTTP ${res.status}: ${Buffer.from(body).toString().slice(0, 300)}`);
    return performance.now() - t0;
  };
  const runBlock = async (url: string, c: number, n: number, into: number[]) => {
    let left = n;
    await Promise.all(
      Array.from({ length: c }, async () => {
        while (left-- > 0) into.push(await one(url));
      }),
    );
  };
  for (const s of [off, on]) for (let i = 0; i < 5; i++) await one(s.url); // load + warm
  const rows: string[][] = [];
  for (const c of [1, 4]) {
    // blocks alternate between the two servers (each its own process), so a change in the machine's load hits both
    const lat = { off: [] as number[], on: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      // and which goes first alternates too
      const order = r % 2 ? ([on, lat.on, off, lat.off] as const) : ([off, lat.off, on, lat.on] as const);
      await runBlock(order[0].url, c, block * c, order[1]);
      await runBlock(order[2].url, c, block * c, order[3]);
    }
    rows.push([
      String(c),
      String(lat.off.length),
      pct(lat.off, 50).toFixed(1),
      pct(lat.on, 50).toFixed(1),
      (pct(lat.on, 50) - pct(lat.off, 50)).toFixed(2),
      pct(lat.off, 99).toFixed(1),
      pct(lat.on, 99).toFixed(1),
      (pct(lat.on, 99) - pct(lat.off, 99)).toFixed(2),
    ]);
  }
  const metrics = await (await fetch(`${on.url}/metrics`)).text();
  const count = (o: string) =>
    new RegExp(`inference_active_learning_datapoints_total\\{outcome="${o}"\\} (\\d+)`).exec(metrics)?.[1] ??
    '?';
  await off.stop();
  await on.stop();
  await fake.close();
  console.log(
    'request latency (ms): yolov8n_int8, distinct dog.jpg variants, AL on = every request sampled to a Roboflow target sleeping 200 ms per upload',
  );
  const header = ['c', 'requests each', 'off p50', 'on p50', 'added p50', 'off p99', 'on p99', 'added p99'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(w[i])).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(
    `AL on: ${count('sampled')} sampled, ${count('delivered')} delivered, ${count('failed')} failed attempts when measured (the rest waits in the outbox)`,
  );
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
