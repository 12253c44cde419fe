#!/usr/bin/env -S npx tsx
// Analytics cost per frame (a benchmark, not a test): 100 tracked objects wandering over a
// 1920×1080 frame, 4 lines and 4 zones. Target: ≤ 0.5 ms per frame for lines + zones.
//   npx tsx --conditions source bench/analytics.ts [frames]
// Also prints ByteTrack's update on the same detections, measured in the same run, as a baseline.
import { Detections } from '@inference-ts/core';
import type { VideoFrame } from '@inference-ts/pipeline';
import {
  analyticsJson,
  ByteTrack,
  LineCounter,
  PipelineAnalytics,
  PolygonZone,
} from '@inference-ts/pipeline';
// @ts-expect-error plain JS helper module
import { printTable } from './common.mjs';

const FRAMES = Number(process.argv[2] ?? 3000);
const OBJECTS = 100;
const W = 1920;
const H = 1080;

// deterministic random walk
let seed = 42;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const x = Float64Array.from({ length: OBJECTS }, () => rand() * W);
const y = Float64Array.from({ length: OBJECTS }, () => rand() * H);
const vx = Float64Array.from({ length: OBJECTS }, () => (rand() - 0.5) * 20);
const vy = Float64Array.from({ length: OBJECTS }, () => (rand() - 0.5) * 20);
const frames: Detections[] = [];
for (let f = 0; f < FRAMES; f++) {
  const xyxy = new Float32Array(OBJECTS * 4);
  for (let i = 0; i < OBJECTS; i++) {
    x[i] += vx[i];
    y[i] += vy[i];
    if (x[i] < 0 || x[i] > W) vx[i] = -vx[i];
    if (y[i] < 0 || y[i] > H) vy[i] = -vy[i];
    xyxy.set([x[i] - 30, y[i] - 40, x[i] + 30, y[i] + 40], i * 4);
  }
  frames.push(
    new Detections({
      xyxy,
      confidence: new Float32Array(OBJECTS).fill(0.9),
      classId: Int32Array.from({ length: OBJECTS }, (_, i) => i % 3),
      trackerId: Int32Array.from({ length: OBJECTS }, (_, i) => i + 1),
    }),
  );
}

const lines = [
  { name: 'v', start: [960, 0], end: [960, 1080] },
  { name: 'h', start: [0, 540], end: [1920, 540] },
  { name: 'd1', start: [100, 100], end: [1800, 1000] },
  { name: 'd2', start: [1800, 100], end: [100, 1000] },
] as const;
const zones = [
  {
    name: 'tl',
    polygon: [
      [0, 0],
      [800, 0],
      [800, 450],
      [0, 450],
    ],
  },
  {
    name: 'br',
    polygon: [
      [1100, 600],
      [1920, 600],
      [1920, 1080],
      [1100, 1080],
    ],
  },
  {
    name: 'hex',
    polygon: [
      [960, 200],
      [1200, 340],
      [1200, 740],
      [960, 880],
      [720, 740],
      [720, 340],
    ],
  },
  {
    name: 'tri',
    polygon: [
      [200, 1000],
      [700, 500],
      [1000, 1050],
    ],
  },
] as const;

/** Mean ms per frame of `step` over every frame, after one untimed pass. */
function perFrame(make: () => (d: Detections, f: number) => void): number {
  let step = make();
  for (let f = 0; f < FRAMES; f++) step(frames[f], f);
  step = make();
  const t0 = performance.now();
  for (let f = 0; f < FRAMES; f++) step(frames[f], f);
  return (performance.now() - t0) / FRAMES;
}

const linesZones = perFrame(() => {
  const ls = lines.map((l) => new LineCounter({ ...l, start: [...l.start], end: [...l.end] }));
  const zs = zones.map(
    (z) => new PolygonZone({ ...z, polygon: z.polygon.map((p) => [...p] as [number, number]) }),
  );
  return (d) => {
    for (const l of ls) l.update(d);
    for (const z of zs) z.update(d);
  };
});

const image = { data: new Uint8Array(0), width: W, height: H };
const frameOf = (f: number): VideoFrame => ({
  image,
  frameId: f + 1,
  frameTimestamp: f * 33,
  sourceId: 0,
  fps: 30,
  decodedAt: 0,
  isFile: true,
});
const mutable = {
  lines: lines.map((l) => ({
    ...l,
    start: [...l.start] as [number, number],
    end: [...l.end] as [number, number],
  })),
  zones: zones.map((z) => ({ ...z, polygon: z.polygon.map((p) => [...p] as [number, number]) })),
};
const pipelineFull = perFrame(() => {
  const a = new PipelineAnalytics({ ...mutable, zoneTime: true });
  const names = ['car', 'truck', 'bus'];
  return (d, f) => {
    analyticsJson(a.apply({ detections: d, classNames: names }, frameOf(f)));
  };
});

const tracker = perFrame(() => {
  const t = new ByteTrack({ frameRate: 30 });
  return (d) => {
    t.update(d.with({ trackerId: undefined }));
  };
});

printTable(
  ['per frame, 100 tracked objects', 'ms', 'vs ByteTrack'],
  [
    [
      '4 lines + 4 zones (LineCounter, PolygonZone)',
      linesZones.toFixed(4),
      `${(linesZones / tracker).toFixed(4)}x`,
    ],
    [
      'pipeline analytics + time in zone + jsonl form',
      pipelineFull,
      `${(pipelineFull / tracker).toFixed(4)}x`,
    ],
    ['baseline: ByteTrack.update', tracker.toFixed(4), '1.00x'],
  ],
);
console.log(
  `target: <= 0.5 ms per frame for 4 lines + 4 zones: ${linesZones <= 0.5 ? 'met' : 'NOT met'} (${FRAMES} frames)`,
);
