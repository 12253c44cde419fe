#!/usr/bin/env -S npx tsx
// Stream manager benchmark (not a test): N pipelines at once on example_video.mp4 (looped) with
// yolox_nano, against the model's raw throughput limit measured in the same run.
//   npx tsx bench/stream-manager.ts [pipelines=8] [seconds=15] [preloaded processes=0]
// Needs the packages built (`pnpm build`): pipeline processes run the compiled workers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os, { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type InferenceSession, OnnxSession } from '@inference-ts/core/runtime';
import { locateFfmpeg } from '@inference-ts/pipeline';
import { StreamManager, StreamManagerHttp } from '../apps/stream-manager/dist/index.js';
import { yoloxDir } from '../testing/shared.js';
// @ts-expect-error plain JS helper module
import { media, model, printTable, requireShared } from './common.mjs';

requireShared();
const PIPELINES = Number(process.argv[2] ?? 8);
const SECONDS = Number(process.argv[3] ?? 15);
const PRELOADED = Number(process.argv[4] ?? 0);
const cores = availableParallelism();
const root = mkdtempSync(join(tmpdir(), 'bench-streams-'));

const pct = (v: number[], p: number) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// yolox_nano with our manifest (the same model folder the tests use)
const modelDir = await yoloxDir(root);

// 1. the limit: one single-thread session per core, each in its own thread, on a ready tensor
async function rawThroughput(seconds: number): Promise<{ fps: number; perCpuSecond: number }> {
  const sessions: InferenceSession[] = await Promise.all(
    Array.from({ length: cores }, () =>
      OnnxSession.create(model('yolox_nano.onnx'), { intraOpThreads: 1, worker: true, allowSpinning: false }),
    ),
  );
  const input = sessions[0].inputs[0].name;
  const tensor = { data: new Float32Array(3 * 416 * 416).fill(114), dims: [1, 3, 416, 416] };
  for (const s of sessions) await s.run({ [input]: tensor });
  let runs = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    sessions.map(async (s) => {
      while (performance.now() < end) {
        await s.run({ [input]: tensor });
        runs++;
      }
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  await Promise.all(sessions.map((s) => s.dispose()));
  return { fps: runs / seconds, perCpuSecond: runs / ((cpu.user + cpu.system) / 1e6) };
}

/** CPU seconds used so far by these processes (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

/** A process and all its descendants. */
function tree(pid: number): number[] {
  const out = [pid];
  try {
    for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean))
      out.push(...tree(Number(c)));
  } catch {
    // gone
  }
  return out;
}

const { ffmpeg } = await locateFfmpeg();
const looped = join(root, 'looped.mp4');
execFileSync(ffmpeg, [
  '-v',
  'error',
  '-y',
  '-stream_loop',
  '9',
  '-i',
  media('example_video.mp4'),
  '-c',
  'copy',
  looped,
]);

const rawBefore = await rawThroughput(5);

// 2. the manager with N pipelines (every frame, as fast as they go)
const manager = new StreamManager({ stateDir: join(root, 'state'), preloadedProcesses: PRELOADED });
if (PRELOADED > 0) await sleep(5000); // let the warm processes load their modules
const http = new StreamManagerHttp(manager);
const url = await http.listen();
const call = async (path: string, method = 'GET', body?: unknown) => {
  const t0 = performance.now();
  const res = await fetch(`${url}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = (await res.json()) as Record<string, unknown>;
  return { ms: performance.now() - t0, status: res.status, json };
};

const firstResultMs: number[] = [];
const ids: string[] = [];
for (let i = 0; i < PIPELINES; i++) {
  const t0 = performance.now();
  const r = await call('/inference_pipelines/initialise', 'POST', {
    video_configuration: {
      type: 'VideoConfiguration',
      video_reference: looped,
      source_buffer_filling_strategy: 'WAIT',
      source_buffer_consumption_strategy: 'LAZY',
    },
    processing_configuration: { type: 'ModelConfiguration', model_id: modelDir },
    sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: 8 },
  });
  if (r.status !== 200) throw new Error(JSON.stringify(r.json));
  const id = (r.json.context as { pipeline_id: string }).pipeline_id;
  ids.push(id);
  for (;;) {
    const c = await call(`/inference_pipelines/${id}/consume`);
    if ((c.json.outputs as unknown[]).length > 0) break;
    await sleep(5);
  }
  firstResultMs.push(performance.now() - t0);
}

const processed = async () => {
  const s = await manager.summaries();
  return s.reduce((n, p) => n + p.sources.reduce((m, x) => m + x.framesProcessed, 0), 0);
};
await sleep(3000); // warm-up: every pipeline in steady state
const apiMs: number[] = [];
const byRoute: Record<string, number[]> = { list: [], status: [], consume: [] };
let stop = false;
// management traffic while they run: list, status and consume in turn, one request at a time
const traffic = (async () => {
  let i = 0;
  while (!stop) {
    const id = ids[i % ids.length];
    const kind = (['list', 'status', 'consume'] as const)[i % 3];
    const path = kind === 'list' ? '/inference_pipelines/list' : `/inference_pipelines/${id}/${kind}`;
    const { ms } = await call(path);
    apiMs.push(ms);
    byRoute[kind].push(ms);
    i++;
    await sleep(20);
  }
})();
const pipelinePids = Object.values(manager.processes().pipelines).flatMap((p) => (p ? tree(p) : []));
const n0 = await processed();
const cpuPipes0 = cpuSeconds(pipelinePids);
const cpuSelf0 = process.cpuUsage();
const t0 = performance.now();
await sleep(SECONDS * 1000);
const n1 = await processed();
const pipelineFps = (n1 - n0) / ((performance.now() - t0) / 1000);
// everything the pipelines cost: their processes, their decoders, and the manager (this process)
const selfCpu = process.cpuUsage(cpuSelf0);
const pipelineCpu = cpuSeconds(pipelinePids) - cpuPipes0 + (selfCpu.user + selfCpu.system) / 1e6;
const pipelinePerCpuSecond = (n1 - n0) / pipelineCpu;
stop = true;
await traffic;
const summaries = await manager.summaries();
const rss = summaries.map((s) => s.rssMb);
const ended = summaries.filter((s) => s.state !== 'RUNNING').length;
await http.close();
await manager.close();

const rawAfter = await rawThroughput(5);
const raw = (rawBefore.fps + rawAfter.fps) / 2;
const rawPerCpu = (rawBefore.perCpuSecond + rawAfter.perCpuSecond) / 2;
rmSync(root, { recursive: true, force: true });

printTable(
  ['measure', 'value'],
  [
    ['cores', String(cores)],
    [
      'raw limit (1-thread session per core, ready tensors), fps',
      `${raw.toFixed(1)} (before ${rawBefore.fps.toFixed(1)}, after ${rawAfter.fps.toFixed(1)})`,
    ],
    [`${PIPELINES} pipelines, total fps over ${SECONDS} s`, pipelineFps.toFixed(1)],
    ['ratio pipelines / raw, wall-clock fps (target >= 0.8)', (pipelineFps / raw).toFixed(2)],
    [
      'frames per CPU-second: raw / pipelines (all their processes, ffmpeg, manager)',
      `${rawPerCpu.toFixed(1)} / ${pipelinePerCpuSecond.toFixed(1)}`,
    ],
    [
      'CPU seconds in the window: pipeline processes + ffmpeg / manager and API client (this process)',
      `${(pipelineCpu - (selfCpu.user + selfCpu.system) / 1e6).toFixed(1)} / ${((selfCpu.user + selfCpu.system) / 1e6).toFixed(1)}`,
    ],
    [
      'ratio per CPU-second (contention-proof; = fps ratio on an idle, saturated machine)',
      (pipelinePerCpuSecond / rawPerCpu).toFixed(2),
    ],
    [
      `management API p50 / p99 (${apiMs.length} requests), ms`,
      `${pct(apiMs, 50).toFixed(1)} / ${pct(apiMs, 99).toFixed(1)} (target p99 < 50)`,
    ],
    ...Object.entries(byRoute).map(([k, v]) => [
      `  ${k} p50 / p99, ms`,
      `${pct(v, 50).toFixed(1)} / ${pct(v, 99).toFixed(1)}`,
    ]),
    ['load average (1 min) at the end', os.loadavg()[0].toFixed(1)],
    [
      'memory per pipeline process (RSS with its ffmpeg), MB: median / max',
      `${pct(rss, 50).toFixed(0)} / ${Math.max(...rss).toFixed(0)}`,
    ],
    [
      `initialise -> first result (${PRELOADED} warm processes), ms: p50 / max`,
      `${pct(firstResultMs, 50).toFixed(0)} / ${Math.max(...firstResultMs).toFixed(0)}`,
    ],
    ['pipelines not RUNNING at the end', String(ended)],
  ],
);
