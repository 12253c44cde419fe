import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../../../testing/shared.js';
import { InferencePipeline } from '../pipeline/inference-pipeline.js';
import { jsonlSink } from '../sinks/jsonl.js';
import { videoFileSink } from '../sinks/video-file.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

const W = 480;
const H = 240;
const FRAMES = 40;

/**
 * A 4 s, 10 fps, 480×240 clip made with ffmpeg: the dog of dog.jpg (cropped to the dog,
 * so no bicycle or truck comes along) slides once from left to right over a plain
 * background, 14 px per frame.
 */
function slidingDog(path: string): void {
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `color=c=0x708090:s=${W}x${H}:r=10:d=4`,
    '-i',
    sharedMedia('dog.jpg'),
    '-filter_complex',
    "[1:v]crop=220:340:120:210,scale=110:170[d];[0:v][d]overlay=x='-55+t*140':y=35:eof_action=repeat",
    '-frames:v',
    String(FRAMES),
    '-pix_fmt',
    'yuv420p',
    '-c:v',
    'mpeg4',
    '-q:v',
    '3',
    path,
  ]);
}

/** One decoded frame of a video as RGB bytes. */
function frameAt(path: string, index: number): Uint8Array {
  return execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-i',
    path,
    '-vf',
    `select=eq(n\\,${index})`,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    '-',
  ]);
}

describe.skipIf(!HAS_SHARED)('analytics on a real video: yolov8n + ByteTrack (shared media)', () => {
  let dir: string;
  let clip: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pipe-analytics-video-'));
    clip = join(dir, 'slide.mp4');
    slidingDog(clip);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('one crossing of the middle line in the "in" direction; the zone count goes 0 → 1 → 0; all drawn', async () => {
    const jsonl = join(dir, 'out.jsonl');
    const video = join(dir, 'out.mp4');
    const pipeline = await InferencePipeline.init({
      videoReference: clip,
      model: sharedModel('yolov8n_int8.onnx'),
      // one box per object (the dog also scores as a cat; per-class NMS would keep both)
      inferOptions: { classAgnosticNms: true },
      analytics: {
        // drawn top→bottom, so left→right is "in" (README)
        lines: [{ name: 'mid', start: [0.5, 0], end: [0.5, 1] }],
        zones: [
          {
            name: 'middle',
            polygon: [
              [0.35, 0],
              [0.65, 0],
              [0.65, 1],
              [0.35, 1],
            ],
          },
        ],
        zoneTime: true,
      },
      onPrediction: [jsonlSink(jsonl), videoFileSink(video)],
    });
    await pipeline.start();
    await pipeline.join();

    const records = readFileSync(jsonl, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(FRAMES);
    const lines = records.map((r) => r.analytics.lines[0]);
    expect(lines.flatMap((l) => l.crossed_in)).toHaveLength(1);
    expect(lines.flatMap((l) => l.crossed_out)).toHaveLength(0);
    expect(lines.at(-1)).toMatchObject({ name: 'mid', in: 1, out: 0 });

    const counts: number[] = records.map((r) => r.analytics.zones[0].count);
    const first = counts.indexOf(1);
    const last = counts.lastIndexOf(1);
    expect(first).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBe(1);
    expect(counts.slice(0, first).every((c) => c === 0)).toBe(true);
    expect(counts.slice(first, last + 1).every((c) => c === 1)).toBe(true);
    expect(counts.slice(last + 1).every((c) => c === 0)).toBe(true);
    expect(last).toBeLessThan(FRAMES - 1);
    // time in zone grows by 1/fps per frame while inside
    const times = records
      .slice(first, last + 1)
      .map((r) => Object.values(r.analytics.zones[0].time_in_zone)[0]);
    expect(times[0]).toBe(0);
    expect(times.at(-1)).toBeCloseTo((last - first) / 10, 6);

    const report = pipeline.report();
    expect(report.analytics?.[0].lines[0]).toMatchObject({ in: 1, out: 0 });
    expect(report.analytics?.[0].zones[0]).toMatchObject({ count: 0, entered: 1, left: 1 });

    // the annotated video shows the line: its pixels at the top middle are not the background
    const rgb = frameAt(video, 5);
    const at = (x: number, y: number) => Array.from(rgb.subarray((y * W + x) * 3, (y * W + x) * 3 + 3));
    const background = at(20, H - 5);
    const onLine = at(W / 2, 4);
    const distance = Math.hypot(...onLine.map((v, i) => v - background[i]));
    expect(distance).toBeGreaterThan(60);
  }, 120_000);
});
