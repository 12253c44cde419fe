import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Detections, ObjectDetectionResult, zeroTimings } from '@inference-ts/core';
import { afterAll, describe, expect, it } from 'vitest';
import { InferencePipeline } from '../pipeline/inference-pipeline.js';
import { jsonlSink } from '../sinks/jsonl.js';
import { memorySink } from '../sinks/memory.js';
import type { VideoFrame } from '../types.js';
import { toRoboflowReport } from '../watchdog/roboflow-report.js';
import { analyticsJson } from './frame-analytics.js';
import { PipelineAnalytics, toPixels } from './pipeline-analytics.js';
import { centred, tracked } from './test-boxes.js';

const dir = mkdtempSync(join(tmpdir(), 'pipe-analytics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function frame(frameId: number, w = 200, h = 100, extra: Partial<VideoFrame> = {}): VideoFrame {
  return {
    image: { data: new Uint8Array(w * h * 3), width: w, height: h },
    frameId,
    frameTimestamp: 1_700_000_000_000 + frameId * 100,
    sourceId: 0,
    fps: 10,
    decodedAt: performance.now(),
    isFile: true,
    ...extra,
  };
}

describe('PipelineAnalytics', () => {
  it('fractions (every coordinate in 0..1) scale to the frame, pixels stay', () => {
    expect(
      toPixels(
        [
          [0.5, 0],
          [0.5, 1],
        ],
        200,
        100,
      ),
    ).toEqual([
      [100, 0],
      [100, 100],
    ]);
    expect(
      toPixels(
        [
          [0.5, 0],
          [50, 100],
        ],
        200,
        100,
      ),
    ).toEqual([
      [0.5, 0],
      [50, 100],
    ]);
  });

  it('counts per source with class names from the prediction, times zones from frame number / fps', () => {
    const a = new PipelineAnalytics({
      lines: [{ name: 'gate', start: [0.5, 0], end: [0.5, 1] }],
      zones: [
        {
          polygon: [
            [0.5, 0],
            [1, 0],
            [1, 1],
            [0.5, 1],
          ],
        },
      ],
      zoneTime: true,
    });
    const at = (x: number) => ({
      detections: tracked([{ id: 4, cls: 1, box: centred(x, 50, 20, 20) }]),
      classNames: ['person', 'car'],
    });
    const r1 = a.apply(at(60), frame(1));
    const r2 = a.apply(at(140), frame(2));
    const r3 = a.apply(at(150), frame(12));
    expect(r1.lines[0]).toMatchObject({ name: 'gate', in: 0, out: 0, start: [100, 0], end: [100, 100] });
    expect(r2.lines[0]).toMatchObject({ in: 1, crossedIn: [4], inByClass: { car: 1 } });
    expect(r2.zones[0]).toMatchObject({ name: 'zone1', count: 1, countByClass: { car: 1 }, entered: [4] });
    expect(r2.zones[0].timeInZone).toEqual({ '4': 0 });
    expect(r3.zones[0].timeInZone).toEqual({ '4': 1 }); // (12 − 2) / 10 fps
    expect(analyticsJson(r3)).toEqual({
      lines: [{ name: 'gate', in: 1, out: 0, crossed_in: [], crossed_out: [] }],
      zones: [
        {
          name: 'zone1',
          count: 1,
          count_by_class: { car: 1 },
          entered: [],
          left: [],
          time_in_zone: { '4': 1 },
        },
      ],
    });
    expect(a.totals()).toEqual([
      {
        sourceId: 0,
        lines: [{ name: 'gate', in: 1, out: 0, inByClass: { car: 1 }, outByClass: {} }],
        zones: [{ name: 'zone1', count: 1, countByClass: { car: 1 }, entered: 1, left: 0 }],
      },
    ]);
  });

  it('bad geometry and duplicate names fail at construction', () => {
    expect(() => new PipelineAnalytics({ lines: [{ start: [0, 0], end: [0, 0] }] })).toThrow(
      expect.objectContaining({ code: 'PIPE_ERR_GEOMETRY' }),
    );
    expect(
      () =>
        new PipelineAnalytics({
          lines: [
            { name: 'a', start: [0, 0], end: [0, 1] },
            { name: 'a', start: [1, 0], end: [1, 1] },
          ],
        }),
    ).toThrow(/named 'a'/);
    expect(() => new PipelineAnalytics({ zoneTime: true })).toThrow(/needs at least one zone/);
  });
});

/** A producer of blank 200×100 frames; the "model" sees a box sliding left→right. */
async function* blankFrames(n: number) {
  for (let i = 0; i < n; i++) yield { data: new Uint8Array(200 * 100 * 3), width: 200, height: 100 };
}

describe('InferencePipeline with analytics', () => {
  it('tracks (implied), counts, writes analytics to jsonl and reports totals', async () => {
    const path = join(dir, 'a.jsonl');
    const jsonl = jsonlSink(path);
    const memory = memorySink();
    const n = 20;
    const pipeline = await InferencePipeline.init({
      videoReference: blankFrames(n),
      onVideoFrame: (frames) =>
        frames.map((f) => {
          const x = 10 + (f.frameId - 1) * 9; // 10 → 181
          const d = new Detections({
            xyxy: Float32Array.from(centred(x, 50, 16, 16)),
            confidence: Float32Array.of(0.9),
            classId: Int32Array.of(0),
          });
          return new ObjectDetectionResult({
            inferenceId: 'x',
            image: { width: 200, height: 100 },
            detections: d,
            classNames: ['dog'],
            timings: zeroTimings(),
          });
        }),
      analytics: {
        lines: [{ name: 'mid', start: [0.5, 0], end: [0.5, 1] }],
        zones: [
          {
            name: 'middle',
            polygon: [
              [80, 0],
              [120, 0],
              [120, 100],
              [80, 100],
            ],
          },
        ],
      },
      onPrediction: [jsonl, memory],
    });
    await pipeline.start();
    await pipeline.join();
    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(n);
    const crossings = lines.flatMap((l) => l.analytics.lines[0].crossed_in);
    expect(crossings).toHaveLength(1);
    expect(lines.at(-1).analytics.lines[0]).toMatchObject({ name: 'mid', in: 1, out: 0 });
    const counts = lines.map((l) => l.analytics.zones[0].count);
    expect(Math.max(...counts)).toBe(1);
    expect(counts.at(-1)).toBe(0);
    expect(lines.flatMap((l) => l.analytics.zones[0].entered)).toEqual(crossings);
    expect(lines.flatMap((l) => l.analytics.zones[0].left)).toEqual(crossings);
    expect(lines[0].predictions.predictions[0].tracker_id).toBe(crossings[0]);
    const report = pipeline.report();
    expect(report.analytics?.[0].lines[0]).toMatchObject({
      name: 'mid',
      in: 1,
      out: 0,
      inByClass: { dog: 1 },
    });
    expect(report.analytics?.[0].zones[0]).toMatchObject({ name: 'middle', count: 0, entered: 1, left: 1 });
    expect(toRoboflowReport(report).analytics).toEqual(report.analytics);
    // the frames handed to every sink carry the same analytics
    expect(memory.consume()?.frames[0]?.analytics?.lines[0].name).toBe('mid');
  });

  it('bad geometry is refused by init, before any frame is read', async () => {
    let pulled = 0;
    async function* counting() {
      for (;;) {
        pulled++;
        yield { data: new Uint8Array(12), width: 2, height: 2 };
      }
    }
    await expect(
      InferencePipeline.init({
        videoReference: counting(),
        onVideoFrame: (frames) => frames.map(() => null),
        analytics: {
          zones: [
            {
              polygon: [
                [0, 0],
                [1, 1],
              ],
            },
          ],
        },
      }),
    ).rejects.toMatchObject({ code: 'PIPE_ERR_GEOMETRY' });
    expect(pulled).toBe(0);
  });
});
