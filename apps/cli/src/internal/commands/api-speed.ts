import { readFile, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Command } from 'commander';
import { engineFromOptions } from '../engine.js';
import { CliError } from '../errors.js';
import { withExamples } from '../help.js';
import { type EngineCliOptions, parseInteger, parseNumber } from '../options.js';
import { mean, percentile, table } from '../stats.js';
import { withEngineOptions } from './common.js';

/** One request's outcome. */
interface Sample {
  ms: number;
  status: number;
  /** Server-side time from `X-Processing-Time`, ms. */
  serverMs?: number;
}

/** What a run measured (also the `--output` JSON). */
export interface SpeedReport {
  target: string;
  model: string;
  requests: number;
  concurrency?: number;
  rps?: number;
  wallSeconds: number;
  throughput: number;
  latencyMs: { avg: number; p50: number; p75: number; p90: number; p95: number; p99: number };
  errorRate: number;
  statusCodes: Record<string, number>;
  avgProcessingTimeMs?: number;
}

interface LoadOptions {
  requests: number;
  warmup: number;
  concurrency: number;
  rps?: number;
}

/**
 * Runs `send` `requests` times after `warmup` untimed calls: closed loop with
 * `concurrency` workers, or open loop at a fixed `rps` (requests start on
 * schedule whether or not earlier ones finished).
 */
export async function runLoad(
  send: () => Promise<Sample>,
  o: LoadOptions,
): Promise<{ samples: Sample[]; wallMs: number }> {
  const safe = async (): Promise<Sample> => {
    const t0 = performance.now();
    try {
      return await send();
    } catch {
      return { ms: performance.now() - t0, status: 0 };
    }
  };
  for (let i = 0; i < o.warmup; i += o.concurrency) {
    await Promise.all(Array.from({ length: Math.min(o.concurrency, o.warmup - i) }, safe));
  }
  const samples: Sample[] = [];
  const t0 = performance.now();
  if (o.rps) {
    const gap = 1000 / o.rps;
    const running: Promise<void>[] = [];
    for (let i = 0; i < o.requests; i++) {
      const due = t0 + i * gap;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      running.push(safe().then((s) => void samples.push(s)));
    }
    await Promise.all(running);
  } else {
    let next = 0;
    const worker = async () => {
      while (next < o.requests) {
        next++;
        samples.push(await safe());
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  }
  return { samples, wallMs: performance.now() - t0 };
}

/** Turns samples into the figures Roboflow's benchmark prints. */
export function summarise(
  target: string,
  model: string,
  o: LoadOptions,
  samples: Sample[],
  wallMs: number,
): SpeedReport {
  const ms = samples.map((s) => s.ms);
  const codes: Record<string, number> = {};
  for (const s of samples) codes[String(s.status)] = (codes[String(s.status)] ?? 0) + 1;
  const errors = samples.filter((s) => s.status < 200 || s.status >= 300).length;
  const server = samples.map((s) => s.serverMs).filter((v): v is number => v !== undefined);
  const r = (v: number) => Math.round(v * 100) / 100;
  return {
    target,
    model,
    requests: samples.length,
    ...(o.rps ? { rps: o.rps } : { concurrency: o.concurrency }),
    wallSeconds: r(wallMs / 1000),
    throughput: r(samples.length / (wallMs / 1000)),
    latencyMs: {
      avg: r(mean(ms)),
      p50: r(percentile(ms, 50)),
      p75: r(percentile(ms, 75)),
      p90: r(percentile(ms, 90)),
      p95: r(percentile(ms, 95)),
      p99: r(percentile(ms, 99)),
    },
    errorRate: r(errors / Math.max(1, samples.length)),
    statusCodes: codes,
    ...(server.length ? { avgProcessingTimeMs: r(mean(server)) } : {}),
  };
}

const V1_ROUTES: Record<string, string> = {
  'object-detection': 'object_detection',
  'instance-segmentation': 'instance_segmentation',
  'keypoint-detection': 'keypoints_detection',
  classification: 'classification',
  'semantic-segmentation': 'semantic_segmentation',
};

interface ApiSpeedFlags extends EngineCliOptions {
  model: string;
  host: string;
  requests: number;
  warmup: number;
  concurrency: number;
  rps?: number;
  legacy?: boolean;
  apiKeyServer?: string;
  inProcess?: boolean;
  output?: string;
}

/** A sender for the HTTP server: v1 `/infer/{task}` (task from `/model/add`) or the legacy route. */
async function httpSender(o: ApiSpeedFlags, images: string[]): Promise<() => Promise<Sample>> {
  const base = o.host.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (o.apiKeyServer) headers.authorization = `Bearer ${o.apiKeyServer}`;
  let url: string;
  let bodies: string[];
  if (o.legacy) {
    url = `${base}/${o.model}`;
    bodies = images;
  } else {
    const add = await fetch(`${base}/model/add`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model_id: o.model }),
    });
    if (!add.ok) throw new CliError(`POST /model/add answered ${add.status}: ${await add.text()}`);
    const desc = ((await add.json()) as { models: { model_id: string; task_type: string }[] }).models.find(
      (m) => m.model_id === o.model,
    );
    const route = desc ? V1_ROUTES[desc.task_type] : undefined;
    url = route ? `${base}/infer/${route}` : `${base}/ocr/pp-ocr`;
    bodies = images.map((value) => JSON.stringify({ model_id: o.model, image: { type: 'base64', value } }));
  }
  // node:http with kept-alive sockets: the load generator should cost as little as a client can
  const target = new URL(url);
  const tls = target.protocol === 'https:';
  const agentOptions = { keepAlive: true, maxSockets: Math.max(1, o.concurrency) };
  const agent = tls ? new HttpsAgent(agentOptions) : new Agent(agentOptions);
  const send = tls ? httpsRequest : httpRequest;
  const payloads = bodies.map((b) => Buffer.from(b));
  let i = 0;
  return () => {
    const body = payloads[i++ % payloads.length];
    const t0 = performance.now();
    return new Promise<Sample>((resolve, reject) => {
      const req = send(
        target,
        { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } },
        (res) => {
          res.on('data', () => {});
          res.on('error', reject);
          res.on('end', () => {
            const ms = performance.now() - t0;
            const pt = Number(res.headers['x-processing-time']);
            resolve({
              ms,
              status: res.statusCode ?? 0,
              ...(Number.isFinite(pt) && pt > 0 ? { serverMs: pt * 1000 } : {}),
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
}

function print(r: SpeedReport): void {
  const l = r.latencyMs;
  process.stdout.write(
    `${r.target}: ${r.model}, ${r.requests} requests, ${r.rps ? `open loop at ${r.rps} req/s` : `concurrency ${r.concurrency}`}\n` +
      `${table(
        ['req/s', 'avg ms', 'p50', 'p75', 'p90', 'p95', 'p99', 'errors', 'codes', 'X-Processing-Time avg ms'],
        [
          [
            r.throughput,
            l.avg,
            l.p50,
            l.p75,
            l.p90,
            l.p95,
            l.p99,
            `${(r.errorRate * 100).toFixed(1)}%`,
            JSON.stringify(r.statusCodes),
            r.avgProcessingTimeMs ?? '-',
          ],
        ],
      )}\n`,
  );
}

/** `inference benchmark api-speed`: load-test a running server (or, with --in-process, the same model in this process). */
export function registerApiSpeed(program: Command): void {
  const bench =
    program.commands.find((c) => c.name() === 'benchmark') ??
    program.command('benchmark').description('measure speed');
  const cmd = bench
    .command('api-speed')
    .description(
      'HTTP load test: warm-up, N requests, closed-loop concurrency or open-loop --rps; latency percentiles, req/s, errors',
    )
    .argument('<images...>', 'image files, sent in turn')
    .requiredOption(
      '-m, --model <id>',
      'model id as the server knows it (dataset/version, alias, or a path if the server allows)',
    )
    .option('--host <url>', 'server URL', 'http://localhost:9001')
    .option('-n, --requests <n>', 'timed requests', parseInteger('--requests', 1), 100)
    .option('-w, --warmup <n>', 'untimed requests first', parseInteger('--warmup', 0), 10)
    .option('-c, --concurrency <n>', 'requests in flight (closed loop)', parseInteger('--concurrency', 1), 1)
    .option('--rps <n>', 'open loop: start this many requests per second', parseNumber('--rps', 0.001))
    .option('--legacy', 'use the legacy /{dataset}/{version} route (raw base64 body)')
    .option('--api-key-server <key>', 'key for a server started with --server-api-key')
    .option('--in-process', 'run the same load against the model loaded in this process, without HTTP')
    .option('-o, --output <file>', 'also write the figures as JSON');
  withEngineOptions(cmd);
  withExamples(cmd, [
    [
      'benchmark api-speed -m coco/3 -c 4 -n 200 dog.jpg',
      'closed loop, 4 requests in flight against localhost:9001',
    ],
    [
      'benchmark api-speed -m coco/3 --rps 20 --host http://gpu-box:9001 dog.jpg',
      'open loop at 20 requests/s',
    ],
  ]);
  cmd.action(async (paths: string[], o: ApiSpeedFlags) => {
    const buffers = await Promise.all(paths.map((p) => readFile(p)));
    if (buffers.length === 0) throw new CliError('no images given');
    const load: LoadOptions = {
      requests: o.requests,
      warmup: o.warmup,
      concurrency: o.concurrency,
      rps: o.rps,
    };
    let report: SpeedReport;
    if (o.inProcess) {
      const engine = engineFromOptions(o);
      try {
        const model = await engine.getModel(o.model);
        let i = 0;
        const send = async (): Promise<Sample> => {
          const t0 = performance.now();
          await model.infer(buffers[i++ % buffers.length]);
          return { ms: performance.now() - t0, status: 200 };
        };
        const { samples, wallMs } = await runLoad(send, load);
        report = summarise('in-process', o.model, load, samples, wallMs);
      } finally {
        await engine.dispose();
      }
    } else {
      const send = await httpSender(
        o,
        buffers.map((b) => b.toString('base64')),
      );
      const { samples, wallMs } = await runLoad(send, load);
      report = summarise(o.host, o.model, load, samples, wallMs);
    }
    print(report);
    if (o.output) await writeFile(o.output, JSON.stringify(report, null, 2));
  });
}
