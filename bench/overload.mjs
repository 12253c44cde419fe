// Load shedding: a burst of N clients (default 64), each posting dog.jpg to yolov8n once, against the
// built server with its default queue (4 x run slots) and with the old fixed queue of 64, in the
// same run. Prints how many were served and shed (429), and the latency of the served ones.
//
//   npx -y pnpm@12.4.2 --filter @inference-ts/server build && node bench/overload.mjs [n=64]
import { readFileSync } from 'node:fs';
import { media, model, printTable, requireShared } from './common.mjs';
import { startServerChild, waitReady } from './server-child.mjs';

requireShared();
const n = Number(process.argv[2] ?? 64);
const body = JSON.stringify({
  model_id: 'coco/3',
  image: { type: 'base64', value: readFileSync(media('dog.jpg')).toString('base64') },
});

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function burst(label, env) {
  const server = await startServerChild({
    MODEL_ALIASES: `coco/3=${model('yolov8n_int8.onnx')}`,
    PRELOAD_MODELS: 'coco/3',
    ...env,
  });
  await waitReady(server.url);
  const post = async () => {
    const t0 = performance.now();
    const r = await fetch(`${server.url}/infer/object_detection`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await r.arrayBuffer();
    return { status: r.status, ms: performance.now() - t0 };
  };
  // warm the sessions (the adaptive pool starts its workers on concurrent requests)
  await Promise.all(Array.from({ length: 8 }, post));
  const answers = await Promise.all(Array.from({ length: n }, post));
  await server.stop();
  const served = answers.filter((a) => a.status === 200).map((a) => a.ms);
  served.sort((a, b) => a - b);
  const shed = answers.filter((a) => a.status === 429);
  const other = answers.length - served.length - shed.length;
  return [
    label,
    served.length,
    shed.length,
    other,
    quantile(served, 0.5),
    quantile(served, 0.99),
    shed.length ? Math.max(...shed.map((a) => a.ms)) : Number.NaN,
  ];
}

const rows = [
  await burst('default queue (4 x slots)', {}),
  await burst('old queue: 64', { MODEL_QUEUE_SIZE: '64' }),
];
printTable(['queue', 'served', '429', 'other', 'p50 ms', 'p99 ms', 'slowest 429 ms'], rows);
