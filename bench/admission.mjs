// Admission cost: how long a refused request takes to be answered, by body size and route.
// The built server runs in a child process with one run slot and no queue (MODEL_CONCURRENCY=1,
// MODEL_QUEUE_SIZE=0) and a server key; a "holder" request keeps the only place without using CPU
// (its image URL points at a local server that never answers), so every probe is refused.
//   429: full queue, authenticated probes (v1 JSON: model id in the body; legacy: in the URL)
//   401: probes with no key or a wrong Bearer key
// Prints the median time to the answer per case. BASELINE_MAIN=<another build's dist/main.js> runs
// that build too, side by side, probes interleaved, so both see the same machine load.
//
//   npx -y pnpm@12.4.2 --filter @inference-ts/server build && node bench/admission.mjs [n=10]
//   BASELINE_MAIN=/tmp/before/apps/server/dist/main.js node bench/admission.mjs
import { createServer, request } from 'node:http';
import { median, model, printTable, requireShared } from './common.mjs';
import { MB, startServerChild, waitReady } from './server-child.mjs';

requireShared();
const n = Number(process.argv[2] ?? 10);
const KEY = 'bench-key';
// an image host that never answers: the holder waits on it while holding the model's only place
const silent = createServer(() => undefined);
await new Promise((r) => silent.listen(0, '127.0.0.1', r));
const env = {
  ALLOW_NON_HTTPS_URL_INPUT: 'true',
  ALLOW_PRIVATE_URL_INPUT: 'true',
  IMAGE_URL_TIMEOUT_MS: '600000',
  REQUEST_TIMEOUT_MS: '600000',
  MODEL_ALIASES: `bomb/1=${model('yolov8n_int8.onnx')}`,
  PRELOAD_MODELS: 'bomb/1',
  SERVER_API_KEYS: KEY,
  MODEL_CONCURRENCY: '1',
  MODEL_QUEUE_SIZE: '0',
  MAX_BODY_BYTES: String(80 * MB),
};
const builds = [['this build', undefined]];
if (process.env.BASELINE_MAIN) builds.push(['baseline', process.env.BASELINE_MAIN]);
const servers = [];
for (const [, main] of builds) {
  const server = await startServerChild(env, main);
  await waitReady(server.url);
  servers.push(server);
}

/** Sends `body` and resolves with the status and the ms until the response headers arrived. */
function send(server, path, body, headers = {}) {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request(
      { hostname, port, path, method: 'POST', headers: { 'content-length': body.length, ...headers } },
      (res) => {
        const ms = performance.now() - t0;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, ms }));
      },
    );
    req.on('error', (e) => resolve({ status: e.code ?? 'error', ms: performance.now() - t0 }));
    req.end(body);
  });
}

const jsonType = { 'content-type': 'application/json' };
const imageUrl = `http://127.0.0.1:${silent.address().port}/never.jpg`;
const holderBody = Buffer.from(
  JSON.stringify({ model_id: 'bomb/1', image: { type: 'url', value: imageUrl } }),
);
for (const server of servers) {
  const held = new Promise((r) => silent.once('request', r));
  void send(server, '/infer/object_detection', holderBody, { ...jsonType, authorization: `Bearer ${KEY}` });
  await held;
}

const filler = (mib) => 'A'.repeat(Math.floor(mib * MB));
const v1Body = (mib, key) =>
  Buffer.from(
    JSON.stringify({
      model_id: 'bomb/1',
      ...(key ? { api_key: key } : {}),
      image: { type: 'base64', value: filler(mib) },
    }),
  );
const cases = [];
for (const mib of [1, 16, 60]) {
  const v1 = v1Body(mib, KEY);
  const legacy = Buffer.from(filler(mib));
  const noKey = v1Body(mib);
  const imageFirst = Buffer.from(
    JSON.stringify({ image: { type: 'base64', value: filler(mib) }, model_id: 'bomb/1', api_key: KEY }),
  );
  cases.push(
    [`429 v1, key+model first, ${mib} MiB`, '/infer/object_detection', v1, jsonType, 429],
    [`429 v1, image first, ${mib} MiB`, '/infer/object_detection', imageFirst, jsonType, 429],
    [
      `429 legacy, ?api_key, ${mib} MiB`,
      `/bomb/1?api_key=${KEY}`,
      legacy,
      { 'content-type': 'application/x-www-form-urlencoded' },
      429,
    ],
    [`401 v1, no key, ${mib} MiB`, '/infer/object_detection', noKey, jsonType, 401],
    [
      `401 v1, wrong Bearer, ${mib} MiB`,
      '/infer/object_detection',
      noKey,
      { ...jsonType, authorization: 'Bearer nope' },
      401,
    ],
    [
      `401 legacy, no key, ${mib} MiB`,
      '/bomb/1',
      legacy,
      { 'content-type': 'application/x-www-form-urlencoded' },
      401,
    ],
  );
}
// round-robin over the cases and the builds, so that noise from other load spreads evenly
const results = cases.map(() => servers.map(() => ({ times: [], other: {} })));
for (let i = 0; i < n; i++) {
  for (const [c, [, path, body, headers, expected]] of cases.entries()) {
    for (const [b, server] of servers.entries()) {
      const r = await send(server, path, body, headers);
      const into = results[c][b];
      if (r.status === expected) into.times.push(r.ms);
      else into.other[r.status] = (into.other[r.status] ?? 0) + 1;
    }
  }
}
const rows = cases.map(([name], c) => [
  name,
  ...results[c].flatMap(({ times, other }) => [
    times.length ? median(times) : Number.NaN,
    Object.keys(other).length ? JSON.stringify(other) : '',
  ]),
]);
printTable(['case', ...builds.flatMap(([label]) => [`${label} ms`, 'other answers'])], rows);
for (const server of servers) await server.stop();
silent.closeAllConnections();
silent.close();
