#!/usr/bin/env -S npx tsx
// RTSP recovery after a publisher outage (a benchmark, not a test).
//   npx tsx bench/rtsp-outage.ts [outageSeconds=4] [rounds=2]
// A 30 fps file is published in a loop to a real RTSP server (testing/rtsp.ts) and read by a
// VideoSource (UDP). The publisher is stopped for `outageSeconds`, then restarted. Measured per
// mode, in the same run: the gap without frames at the reader (frames lost = gap × 30 fps), what
// ended the dead connection, and how long terminate() takes from the stalled state (publisher
// gone, no frame for 300 ms). Modes: `fixed` = only the 10 s stall timeout (the old behaviour,
// `adaptiveStall: false`), `adaptive` = the default.
import { type SourceEvent, VideoSource } from '@inference-ts/pipeline';
import { startRtspServer } from '../testing/rtsp.js';
// @ts-expect-error plain JS helper module
import { media, median, printTable, requireShared } from './common.mjs';

requireShared();
const outageMs = Number(process.argv[2] ?? 4) * 1000;
const rounds = Number(process.argv[3] ?? 2);
const FPS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const server = await startRtspServer();
const video = media('example_video.mp4');

async function outageRun(mode: 'fixed' | 'adaptive', path: string) {
  let publisher = await server.publish(video, { path, loop: true });
  const events: SourceEvent[] = [];
  const source = await VideoSource.create(server.url(path), {
    rtspTransport: 'udp',
    ...(mode === 'fixed' ? { adaptiveStall: false } : {}),
    onEvent: (e) => events.push(e),
  } as Parameters<typeof VideoSource.create>[1]);
  await source.start();
  const arrivals: number[] = [];
  let reading = true;
  const reader = (async () => {
    while (reading) {
      const f = await source.read();
      if (!f) return;
      arrivals.push(performance.now());
    }
  })();
  while (arrivals.length < 60) await sleep(50);
  const outageEvents = events.length;
  const stoppedAt = performance.now();
  await publisher.stop();
  await sleep(outageMs - (performance.now() - stoppedAt));
  publisher = await server.publish(video, { path, loop: true });
  const before = arrivals.length;
  while (arrivals.length < before + 30) await sleep(50);
  let gap = 0;
  for (let i = 1; i < arrivals.length; i++) gap = Math.max(gap, arrivals[i] - arrivals[i - 1]);
  const reason = events.slice(outageEvents).find((e) => e.type === 'reconnecting') as
    | Extract<SourceEvent, { type: 'reconnecting' }>
    | undefined;

  // terminate from the stalled state: the publisher is gone and no frame came for 300 ms
  await publisher.stop();
  let last = arrivals.length;
  let quietSince = performance.now();
  while (performance.now() - quietSince < 300) {
    await sleep(20);
    if (arrivals.length !== last) {
      last = arrivals.length;
      quietSince = performance.now();
    }
  }
  const t0 = performance.now();
  reading = false;
  await source.terminate();
  const terminateMs = performance.now() - t0;
  await reader;
  return { gap, reason: reason?.reason ?? '-', terminateMs };
}

const rows: (string | number)[][] = [];
const summary: Record<string, { gap: number[]; term: number[] }> = {
  fixed: { gap: [], term: [] },
  adaptive: { gap: [], term: [] },
};
for (let r = 0; r < rounds; r++) {
  for (const mode of ['fixed', 'adaptive'] as const) {
    const res = await outageRun(mode, `cam${r}${mode}`);
    summary[mode].gap.push(res.gap);
    summary[mode].term.push(res.terminateMs);
    rows.push([
      mode,
      String(r + 1),
      res.gap / 1000,
      String(Math.round(((res.gap - 1000 / FPS) / 1000) * FPS)),
      res.terminateMs,
      res.reason.slice(0, 70),
    ]);
  }
}
await server.close();
console.log(`RTSP (UDP) at ${FPS} fps, publisher outage ${outageMs / 1000} s, ${rounds} rounds`);
printTable(['mode', 'round', 'gap s', 'frames lost', 'terminate ms', 'what ended the dead connection'], rows);
const f = median(summary.fixed.gap);
const a = median(summary.adaptive.gap);
console.log(
  `median gap: fixed ${(f / 1000).toFixed(2)} s, adaptive ${(a / 1000).toFixed(2)} s, ratio adaptive/fixed ${(a / f).toFixed(2)}`,
);
console.log(
  `median terminate from stalled: fixed ${median(summary.fixed.term).toFixed(0)} ms, adaptive ${median(summary.adaptive.term).toFixed(0)} ms`,
);
