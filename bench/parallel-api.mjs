// The parallel HTTP API against the raw per-core limit, measured side by side in one run.
//
//   raw     one single-thread ONNX Runtime session per core, each in its own worker thread,
//           running a ready tensor in a loop: what the CPU can infer at most (no decode, no HTTP)
//   decode  JPEG decode + preprocess only, on every core (the fast model's honest ceiling)
//   server  the built server (apps/server/dist/main.js), closed-loop HTTP load at c=8 (and c=32):
//           4 photos sent as base64 JSON to /infer/object_detection
//   extra   every further `NAME:ENV=V,ENV=V` argument starts one more server with that env
//           (e.g. batch:MODEL_BATCHING=on  nobatch:MODEL_BATCHING=off)
//   redis   with --redis: a front (--redis) plus 2 local workers, same load (needs redis-server)
//   p50     with --p50-c 1,2 (needs --redis): the hop's added latency where the machine is not
//           saturated: one server (defaults), one server with the session each local worker has
//           (ORT_CORES = cores / 2) and the front + 2 workers run side by side and take
//           turns, block by block, so they see the same load; prints the p50 each and the difference
//
// Prints throughput, p50 and the ratio to the raw limit, measured again after every configuration
// (each ratio uses the mean of the raw figures just before and after it: the limit drifts on a shared machine).
// Also per CPU: the CPU time the server's processes (and Redis) used per request against the CPU
// time of one raw inference (`of raw CPU`); unlike throughput, that ratio hardly moves when other
// programs share the cores.
//
//   npx -y pnpm@12.4.2 --filter @inference-ts/server build
//   node bench/parallel-api.mjs [--model yolov8n_int8|yolox_nano] [--n 200] [--c 8,32] [--redis] [--p50-c 1,2] [NAME:ENV=V,...]
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { media, median, model, printTable, ROOT, requireShared } from './common.mjs';
import { startServerChild, waitReady } from './server-child.mjs';

const requireCore = createRequire(join(ROOT, 'packages/core/package.json'));

/** The two benchmark models: file, input size, and a manifest for yolox (BGR, 0..255, top-left pad). */
const MODELS = {
  yolov8n_int8: { file: 'yolov8n_int8.onnx', size: 640 },
  yolox_nano: { file: 'yolox_nano.onnx', size: 416 },
};

/** CPU ms this thread has used (Linux: /proc/thread-self; NaN elsewhere). */
function threadCpuMs() {
  try {
    const f = readFileSync('/proc/thread-self/stat', 'utf8');
    const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(v[11]) + Number(v[12])) * MS_PER_TICK;
  } catch {
    return Number.NaN;
  }
}

/** CPU ms used so far by processes `pids` (all their threads; Linux /proc, 0 for a process that is gone). */
function processCpuMs(pids) {
  let ms = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
      ms += (Number(v[11]) + Number(v[12])) * MS_PER_TICK;
    } catch {
      // gone
    }
  }
  return ms;
}

/** `pid` and its descendants (the front's local workers). */
function processTree(pid) {
  const parents = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8');
      parents.set(Number(d), Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [p, pp] of parents) if (pp === out[i]) out.push(p);
  return out;
}

/** Clock ticks of /proc's CPU times (USER_HZ: 100 on Linux). */
const MS_PER_TICK = 10;

if (!isMainThread) {
  const { kind, onnx, size, seconds, photos } = workerData;
  let n = 0;
  let cpu0 = 0;
  if (kind === 'raw') {
    const ort = requireCore('onnxruntime-node');
    const s = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const t = new ort.Tensor('float32', new Float32Array(3 * size * size).fill(0.5), [1, 3, size, size]);
    const feeds = { [s.inputNames[0]]: t };
    for (let i = 0; i < 2; i++) await s.run(feeds);
    cpu0 = threadCpuMs(); // one intra-op thread: the inference runs on this thread
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      await s.run(feeds);
      n++;
    }
  } else if (kind === 'open') {
    // what the server does with a base64 image: read it and its header, decode (full size for
    // photos under twice the network's size); the letterbox into the tensor is not included
    const { openImage } = await import(pathToFileURL(join(ROOT, 'packages/core/dist/image.js')).href);
    const texts = photos.map((p) => readFileSync(p).toString('base64'));
    const opts = {
      decodeHint: { width: size, height: size, fit: 'contain' },
      allow: { base64: true, url: false, file: false },
    };
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      await (await openImage(texts[n % texts.length], opts)).decode();
      n++;
    }
  } else {
    // decode straight to the network's size, one image at a time per thread
    const sharp = requireCore('sharp');
    sharp.concurrency(1);
    const bufs = photos.map((p) => readFileSync(p));
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      await sharp(bufs[n % bufs.length])
        .resize(size, size, { fit: 'inside' })
        .removeAlpha()
        .raw()
        .toBuffer();
      n++;
    }
  }
  parentPort.postMessage({ n, cpuMs: threadCpuMs() - cpu0 });
} else {
  await main();
}

/** `k` threads each running `kind` for `seconds`: total per second, and (raw) CPU ms per inference. */
async function threads(kind, k, seconds, extra) {
  const ws = Array.from(
    { length: k },
    () => new Worker(new URL(import.meta.url), { workerData: { kind, seconds, ...extra } }),
  );
  const done = await Promise.all(ws.map((w) => new Promise((r, j) => w.once('message', r).once('error', j))));
  const n = done.reduce((a, d) => a + d.n, 0);
  return { rate: n / seconds, cpuPerOp: done.reduce((a, d) => a + d.cpuMs, 0) / n };
}

/**
 * Closed-loop load: `c` clients, `n` timed requests after `warm` untimed ones. `pids()`: the
 * processes whose CPU time the timed requests are charged with (`cpuPerReq`, ms).
 */
async function load(url, bodies, c, n, warm, pids = () => []) {
  const { hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: c });
  const post = (body) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = request(
        {
          agent,
          hostname,
          port,
          path: '/infer/object_detection',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t0 }));
        },
      );
      req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
      req.end(body);
    });
  let i = 0;
  const run = async (count, out) => {
    let left = count;
    await Promise.all(
      Array.from({ length: c }, async () => {
        while (left > 0) {
          left--;
          out.push(await post(bodies[i++ % bodies.length]));
        }
      }),
    );
  };
  await run(warm, []);
  const samples = [];
  const charged = pids();
  const cpu0 = processCpuMs(charged);
  const t0 = performance.now();
  await run(n, samples);
  const wall = (performance.now() - t0) / 1000;
  const cpuPerReq = charged.length > 0 ? (processCpuMs(charged) - cpu0) / n : Number.NaN;
  agent.destroy();
  const ok = samples.filter((s) => s.status === 200);
  const bad = samples.filter((s) => s.status !== 200).map((s) => s.status);
  if (bad.length > 0)
    console.log(
      `  failed statuses: ${[...new Set(bad)].map((x) => `${x} x${bad.filter((b) => b === x).length}`).join(', ')}`,
    );
  return {
    rps: ok.length / wall,
    p50: median(samples.map((s) => s.ms)),
    failed: samples.length - ok.length,
    ms: samples.map((s) => s.ms),
    cpuPerReq,
  };
}

/** Starts `node apps/cli/dist/bin.js <args>` and resolves once `pattern` appears on its output. */
function startCli(args, env, pattern) {
  const child = spawn(process.execPath, [join(ROOT, 'apps/cli/dist/bin.js'), ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) resolve(m);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}): ${out}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGKILL');
    });
  return { ready, stop, pid: child.pid };
}

/** A redis-server on a free loopback port, no persistence. */
async function startRedis() {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const r = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  process.once('exit', () => r.kill('SIGKILL'));
  await new Promise((resolve, reject) => {
    let out = '';
    r.stdout.on('data', (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) resolve();
    });
    r.once('exit', () => reject(new Error(`redis-server exited: ${out}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, pid: r.pid, stop: () => r.kill('SIGKILL') };
}

/** The user's scale-out path: `server start --redis <url> --local-workers 2`, once both workers are seen. */
async function startFront(redisUrl, aliases) {
  const front = startCli(
    ['server', 'start', '--host', '127.0.0.1', '--port', '0', '--redis', redisUrl, '--local-workers', '2'],
    { MODEL_ALIASES: aliases, WORKER_MODELS: 'bench/1' },
    /listening on (http:\/\/\S+)[\s\S]*worker \S+ ready[\s\S]*worker \S+ ready|worker \S+ ready[\s\S]*worker \S+ ready[\s\S]*listening on (http:\/\/\S+)|worker \S+ ready[\s\S]*listening on (http:\/\/\S+)[\s\S]*worker \S+ ready/,
  );
  const m1 = await front.ready;
  const url = (m1[1] ?? m1[2] ?? m1[3]).replace('localhost', '127.0.0.1');
  // the front sees a worker once its heartbeat is read (a few times a second)
  for (let t = 0; t < 100; t++) {
    const text = await (await fetch(`${url}/metrics`)).text();
    if (/inference_distributed_workers_live 2/.test(text)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: front.pid, stop: front.stop };
}

/**
 * The front + 2 workers' added latency at low concurrency: `targets` (label -> url) all run side by
 * side and take turns in blocks of `n / rounds` requests, so load from elsewhere hits them alike.
 */
async function p50Turns(targets, bodies, c, n, rounds = 4) {
  const ms = new Map(targets.map((t) => [t.label, []]));
  for (const t of targets) await load(t.url, bodies, c, 0, 2 * c);
  for (let r = 0; r < rounds; r++)
    for (const t of targets)
      ms.get(t.label).push(...(await load(t.url, bodies, c, Math.ceil(n / rounds), 0)).ms);
  return new Map([...ms].map(([k, v]) => [k, median(v)]));
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  requireShared();
  const name = arg('model', 'yolov8n_int8');
  const m = MODELS[name];
  if (!m) throw new Error(`--model must be one of ${Object.keys(MODELS).join(', ')}`);
  const n = Number(arg('n', 160));
  const cs = arg('c', '8').split(',').map(Number);
  const seconds = Number(arg('seconds', 8));
  const cores = availableParallelism();
  const onnx = model(m.file);
  const photos = ['dog.jpg', 'horses.jpg', 'person.jpg', 'car.jpg'].map(media);
  const bodies = photos.map((p) =>
    Buffer.from(
      JSON.stringify({
        model_id: 'bench/1',
        image: { type: 'base64', value: readFileSync(p).toString('base64') },
      }),
    ),
  );
  // yolox needs its conventions (BGR, 0..255, top-left pad): the server reads them from the family defaults
  const env = { MODEL_ALIASES: `bench/1=${onnx}`, PRELOAD_MODELS: 'bench/1' };

  console.log(`cores: ${cores}; model: ${name}; ${n} requests per point; c = ${cs.join(', ')}`);
  const rows = [];
  // the raw limit is measured again after every configuration: on a shared machine it drifts, so each
  // configuration is compared with the mean of the raw figures just before and just after it
  const measureRaw = () => threads('raw', cores, seconds, { onnx, size: m.size });
  let raw = await measureRaw();
  // columns: what, c, rate, p50, of raw, CPU ms per request, of raw (CPU), failed, load average
  const bracket = async (pending) => {
    const after = await measureRaw();
    const mean = (raw.rate + after.rate) / 2;
    const cpuMean = (raw.cpuPerOp + after.cpuPerOp) / 2;
    for (const row of pending) {
      row[4] = row[2] / mean;
      row[6] = cpuMean / row[5];
    }
    rows.push([`raw again`, '', after.rate, '', '', after.cpuPerOp, '', '', loadavg()]);
    raw = after;
    return { mean, cpuMean };
  };
  rows.push([
    `raw: ${cores} x 1-thread sessions, ready tensors`,
    '',
    raw.rate,
    '',
    1,
    raw.cpuPerOp,
    1,
    '',
    loadavg(),
  ]);
  // decode rows: CPU ms per image is this process's CPU (the threads and libvips') over the images
  for (const [kind, label] of [
    ['decode', `decode only (sharp resize to ${m.size}), ${cores} threads`],
    ['open', `decode as the server does (openImage, base64), ${cores} threads`],
  ]) {
    const cpu0 = processCpuMs([process.pid]);
    const dec = await threads(kind, cores, Math.max(3, seconds / 2), { size: m.size, photos });
    const cpu = (processCpuMs([process.pid]) - cpu0) / (dec.rate * Math.max(3, seconds / 2));
    rows.push([label, '', dec.rate, '', dec.rate / raw.rate, cpu, '', '', loadavg()]);
  }

  const extras = process.argv
    .slice(2)
    .filter((a) => /^[\w-]+:/.test(a) && !a.startsWith('--'))
    .map((a) => {
      const [label, rest] = [a.slice(0, a.indexOf(':')), a.slice(a.indexOf(':') + 1)];
      return {
        label,
        env: Object.fromEntries(
          rest
            .split(',')
            .filter(Boolean)
            .map((kv) => kv.split('=')),
        ),
      };
    });
  const configs = [{ label: 'server, defaults', env: {} }, ...extras];
  let base;
  let baseRaw;
  for (const cfg of configs) {
    const server = await startServerChild({ ...env, ...cfg.env });
    await waitReady(server.url);
    for (const c of cs) {
      const r = await load(server.url, bodies, c, n, 2 * c, () => processTree(server.pid));
      rows.push([cfg.label, c, r.rps, r.p50, 0, r.cpuPerReq, 0, r.failed, loadavg()]);
      if (cfg === configs[0] && c === cs[0]) base = r;
    }
    await server.stop();
    const mean = await bracket(rows.filter((x) => x[0] === cfg.label));
    if (cfg === configs[0]) baseRaw = mean;
  }
  const p50cs = arg('p50-c', '').split(',').filter(Boolean).map(Number);
  if (process.argv.includes('--redis')) {
    // the user's path: one front with 2 local workers (each one single-thread session per core of its share)
    const redis = await startRedis();
    const front = await startFront(redis.url, env.MODEL_ALIASES);
    for (const c of cs) {
      const r = await load(front.url, bodies, c, n, 2 * c, () => [...processTree(front.pid), redis.pid]);
      rows.push(['redis: front + 2 local workers', c, r.rps, r.p50, 0, r.cpuPerReq, 0, r.failed, loadavg()]);
      const single = rows.find((x) => x[0] === 'server, defaults' && x[1] === c);
      if (single)
        console.log(
          `c=${c}: redis / one server throughput ${(r.rps / single[2]).toFixed(3)}, CPU per request ${(r.cpuPerReq / single[5]).toFixed(3)}, p50 added ${(r.p50 - single[3]).toFixed(1)} ms`,
        );
    }
    await bracket(rows.filter((x) => x[0] === 'redis: front + 2 local workers'));
    if (p50cs.length > 0) {
      const one = await startServerChild(env);
      const share = String(Math.max(1, Math.floor(cores / 2)));
      const same = await startServerChild({ ...env, ORT_CORES: share });
      await Promise.all([waitReady(one.url), waitReady(same.url)]);
      const targets = [
        { label: 'server, defaults', url: one.url },
        { label: `server, ORT_CORES=${share} (sized as each worker)`, url: same.url },
        { label: 'redis: front + 2 local workers', url: front.url },
      ];
      for (const c of p50cs) {
        const p50 = await p50Turns(targets, bodies, c, Math.max(40, Math.round(n / 2)));
        const hop = p50.get(targets[2].label);
        for (const t of targets) console.log(`p50 at c=${c}: ${t.label}: ${p50.get(t.label).toFixed(1)} ms`);
        console.log(
          `p50 added by the front + workers at c=${c}: ${(hop - p50.get(targets[1].label)).toFixed(1)} ms against the same session, ${(hop - p50.get(targets[0].label)).toFixed(1)} ms against the defaults (load ${loadavg()})`,
        );
      }
      await Promise.all([one.stop(), same.stop()]);
    }
    await front.stop();
    redis.stop();
  }
  printTable(
    ['what', 'c', 'img or req/s', 'p50 ms', 'of raw', 'CPU ms/req', 'of raw CPU', 'failed', 'load'],
    rows,
  );
  if (base)
    console.log(
      `server at c=${cs[0]} / raw (mean of the raw runs around it): ${(base.rps / baseRaw.mean).toFixed(3)}; per CPU: ${(baseRaw.cpuMean / base.cpuPerReq).toFixed(3)}`,
    );
  process.exit(0);
}

/** The 1-minute load average, to read each figure against. */
function loadavg() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
}
