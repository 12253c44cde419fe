// Pixel bomb: N parallel requests, each an all-zero greyscale 9500x9500 PNG (~88 KB encoded, 90 Mpx decoded,
// under MAX_IMAGE_PIXELS), against the built server in a child process. Prints idle RSS, peak RSS
// above idle, RSS held afterwards, and the status codes. Goal (issue 8): 16 in parallel stay under
// 1 GB above idle and every request is answered (200 or a clear 413/429/503).
//
//   npx -y pnpm@12.4.2 --filter @inference-ts/server build && node bench/pixel-bomb.mjs [n=16] [side=9500]
//   VISUALIZE=1 node bench/pixel-bomb.mjs      # visualize_predictions: the full image must be decoded
//   BATCH=6 node bench/pixel-bomb.mjs 1        # one request holding 6 bombs
//   ROUNDS=3 node bench/pixel-bomb.mjs         # three bursts: held memory must plateau
//   SERVER_ENV='{"MAX_DECODED_PIXELS":"20000000"}' node bench/pixel-bomb.mjs   # extra server env
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { model, ROOT, requireShared } from './common.mjs';
import { MB, rssOf, sampleRss, startServerChild, waitReady } from './server-child.mjs';

requireShared();
const sharp = createRequire(join(ROOT, 'packages/core/package.json'))('sharp');
const n = Number(process.argv[2] ?? 16);
const side = Number(process.argv[3] ?? 9500);
const batch = Number(process.env.BATCH ?? 1);
const visualize = process.env.VISUALIZE === '1';

const png = await sharp({ create: { width: side, height: side, channels: 3, background: '#000' } })
  .toColourspace('b-w')
  .png({ compressionLevel: 9 })
  .toBuffer();
const small = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } })
  .png()
  .toBuffer();

const server = await startServerChild({
  MODEL_ALIASES: `bomb=${model('yolov8n_int8.onnx')}`,
  PRELOAD_MODELS: 'bomb',
  ...(process.env.SERVER_ENV ? JSON.parse(process.env.SERVER_ENV) : {}),
});
await waitReady(server.url);

const post = async (image, count) => {
  const one = { type: 'base64', value: image.toString('base64') };
  const r = await fetch(`${server.url}/infer/object_detection`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model_id: 'bomb',
      image: count === 1 ? one : Array.from({ length: count }, () => one),
      visualize_predictions: visualize,
    }),
  });
  const text = await r.text();
  return { status: r.status, retryAfter: r.headers.get('retry-after'), text };
};

// warm: small requests alone and in parallel, so idle includes the model's sessions (the adaptive
// pool starts its per-core worker sessions on the first concurrent requests)
await post(small, 1);
await Promise.all(Array.from({ length: 8 }, () => post(small, 1)));
await new Promise((r) => setTimeout(r, 500));
const idle = rssOf(server.pid);
const sampler = sampleRss(server.pid);
const t0 = performance.now();
const answers = await Promise.all(Array.from({ length: n }, () => post(png, batch)));
const wall = performance.now() - t0;
const peak = sampler.stop();
await new Promise((r) => setTimeout(r, 2000));
const held = rssOf(server.pid);
// more bursts: what stays held must plateau, not grow
const heldAfter = [held];
for (let round = 1; round < Number(process.env.ROUNDS ?? 1); round++) {
  answers.push(...(await Promise.all(Array.from({ length: n }, () => post(png, batch)))));
  await new Promise((r) => setTimeout(r, 2000));
  heldAfter.push(rssOf(server.pid));
}

const codes = {};
for (const a of answers) codes[a.status] = (codes[a.status] ?? 0) + 1;
const refusals = [...new Set(answers.filter((a) => a.status !== 200).map((a) => `${a.status} ${a.text}`))];
console.log(
  `pixel bomb: ${n} parallel request(s) x ${batch} image(s) of ${side}x${side} PNG (${(png.length / 1024).toFixed(0)} KB)` +
    `${visualize ? ', visualize' : ''}`,
);
console.log(`idle RSS          ${(idle / MB).toFixed(0)} MB`);
console.log(`peak above idle   ${((peak - idle) / MB).toFixed(0)} MB`);
console.log(
  `held after 2 s    ${heldAfter.map((h) => ((h - idle) / MB).toFixed(0)).join(', ')} MB above idle (per burst)`,
);
console.log(`wall              ${(wall / 1000).toFixed(2)} s`);
console.log(`status codes      ${JSON.stringify(codes)}`);
for (const r of refusals.slice(0, 3)) console.log(`  refusal: ${r.slice(0, 200)}`);
await server.stop();
