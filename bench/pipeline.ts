#!/usr/bin/env -S npx tsx
// Pipeline throughput and live-stream soak (a benchmark, not a test).
//   npx tsx bench/pipeline.ts file            decode-only, model-only and pipeline fps on example_video.mp4 looped to >= 2000 frames
//   npx tsx bench/pipeline.ts live [minutes]  30 fps RTSP stream through yolov8n (slower than 30 fps): frame age at the sink and RSS over time
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceEngine, type RgbImage } from '@inference-ts/core';
import { InferencePipeline, locateFfmpeg, VideoSource } from '@inference-ts/pipeline';
import { startRtspServer } from '../testing/rtsp.js';
// @ts-expect-error plain JS helper module
import { media, median, model, printTable, requireShared } from './common.mjs';

requireShared();
const mode = process.argv[2] ?? 'file';
const engine = new InferenceEngine();
const detector = await engine.getModel(model('yolov8n_int8.onnx'));

const pct = (v: number[], p: number) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function fileBench(): Promise<void> {
  const { ffmpeg } = await locateFfmpeg();
  const looped = join(mkdtempSync(join(tmpdir(), 'bench-pipe-')), 'looped.mp4');
  execFileSync(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-stream_loop',
    '4',
    '-i',
    media('example_video.mp4'),
    '-c',
    'copy',
    looped,
  ]);

  // decode only: every frame out of ffmpeg as fast as it comes
  let t0 = performance.now();
  const source = await VideoSource.create(looped);
  await source.start();
  let frames = 0;
  const sample: RgbImage[] = [];
  for await (const f of source) {
    if (frames % 7 === 0 && sample.length < 300) sample.push({ ...f.image, data: f.image.data.slice() });
    frames++;
  }
  const decodeFps = frames / ((performance.now() - t0) / 1000);
  await source.terminate();

  // model only, in process, on frames of the same video (already decoded)
  for (let i = 0; i < 5; i++) await detector.inferDecoded([sample[i]]);
  t0 = performance.now();
  for (const img of sample) await detector.inferDecoded([img]);
  const modelFps = sample.length / ((performance.now() - t0) / 1000);

  // the whole pipeline in file mode (every frame, WAIT + LAZY)
  let sunk = 0;
  const pipeline = await InferencePipeline.init({
    videoReference: looped,
    model: detector,
    engine,
    onPrediction: (preds) => {
      sunk += preds.filter((p) => p !== null).length;
    },
  });
  t0 = performance.now();
  await pipeline.start();
  await pipeline.join();
  const pipelineFps = sunk / ((performance.now() - t0) / 1000);
  const report = pipeline.report();
  await pipeline.terminate();
  console.log(`example_video.mp4 looped: ${frames} frames, 426x240, yolov8n_int8`);
  printTable(
    [
      'decode-only fps',
      'model-only fps',
      'pipeline fps',
      'pipeline / min(decode, model)',
      'frames through pipeline',
      'dropped',
    ],
    [
      [
        decodeFps,
        modelFps,
        pipelineFps,
        (pipelineFps / Math.min(decodeFps, modelFps)).toFixed(3),
        String(sunk),
        String(report.sources[0].framesDropped),
      ],
    ],
  );
}

async function liveBench(minutes: number): Promise<void> {
  const server = await startRtspServer();
  const publisher = await server.publish(media('example_video.mp4'), { path: 'cam', loop: true });
  const ages: number[] = [];
  const rss: { t: number; mb: number }[] = [];
  let sunk = 0;
  const pipeline = await InferencePipeline.init({
    videoReference: server.url('cam'),
    model: detector,
    engine,
    sourceOptions: { rtspTransport: 'udp' },
    onPrediction: (_preds, frames) => {
      const now = performance.now();
      for (const f of frames) {
        if (!f) continue;
        ages.push(now - f.decodedAt);
        sunk++;
      }
    },
  });
  const start = performance.now();
  await pipeline.start();
  const every = setInterval(() => {
    rss.push({ t: (performance.now() - start) / 1000, mb: process.memoryUsage().rss / 2 ** 20 });
  }, 10_000);
  await new Promise((r) => setTimeout(r, minutes * 60_000));
  clearInterval(every);
  const report = pipeline.report();
  await pipeline.terminate();
  await publisher.stop();
  await server.close();
  const s = report.sources[0];
  const firstMinute = rss.filter((x) => x.t <= 60).map((x) => x.mb);
  const lastMinute = rss.filter((x) => x.t > (minutes - 1) * 60).map((x) => x.mb);
  console.log(
    `live RTSP (UDP) at 30 fps, ${minutes} min, yolov8n_int8, default live buffering (DROP_OLDEST + EAGER)`,
  );
  printTable(
    [
      'frames to sink',
      'sink fps',
      'dropped',
      'age p50 ms',
      'age p99 ms',
      'age max ms',
      'RSS 1st min MB',
      'RSS last min MB',
    ],
    [
      [
        String(sunk),
        sunk / (minutes * 60),
        String(s.framesDropped),
        pct(ages, 50),
        pct(ages, 99),
        Math.max(...ages),
        median(firstMinute),
        median(lastMinute),
      ],
    ],
  );
  console.log('RSS samples (s, MB):', rss.map((x) => `${x.t.toFixed(0)}:${x.mb.toFixed(0)}`).join(' '));
}

if (mode === 'live') await liveBench(Number(process.argv[3] ?? 10));
else await fileBench();
await engine.dispose();
