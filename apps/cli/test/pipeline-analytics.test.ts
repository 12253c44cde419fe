import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../testing/shared.js';
import {
  analyticsFromFlags,
  parseLineSpec,
  parseZoneSpec,
} from '../src/internal/commands/pipeline-analytics.js';
import { runCli } from './run-cli.js';

describe('--line / --zone specs', () => {
  it.each([
    ['0.5,0,0.5,1', { start: [0.5, 0], end: [0.5, 1] }],
    ['10,20,300,20:gate', { start: [10, 20], end: [300, 20], name: 'gate' }],
    [' 1, 2 ,3,4:a b', { start: [1, 2], end: [3, 4], name: 'a b' }],
  ])('--line %s', (spec, expected) => {
    expect(parseLineSpec(spec)).toEqual(expected);
  });

  it.each([
    ['1,2,3', /4 numbers/],
    ['1,2,3,4,5', /4 numbers/],
    ['1,2,x,4', /"x" is not a number/],
    ['1,2,NaN,4', /"NaN" is not a number/],
    ['5,5,5,5', /zero length/],
    ['1,2,3,4:', /name after ":" is empty/],
  ])('--line %s is refused', (spec, message) => {
    expect(() => parseLineSpec(spec)).toThrow(message);
  });

  it('--zone takes 3+ points and a name', () => {
    expect(parseZoneSpec('0,0,1,0,1,1:lot')).toEqual({
      polygon: [
        [0, 0],
        [1, 0],
        [1, 1],
      ],
      name: 'lot',
    });
  });

  it.each([
    ['0,0,1,0', /at least 3 points/],
    ['0,0,1,0,1', /at least 3 points/],
    ['0,0,1,1,2,2', /no area/],
    ['0,0,1,0,Infinity,1', /not a number/],
  ])('--zone %s is refused', (spec, message) => {
    expect(() => parseZoneSpec(spec)).toThrow(message);
  });

  it('--zone-time needs a zone; nothing given is no analytics', () => {
    expect(() => analyticsFromFlags({ line: ['0,0,1,1'], zoneTime: true })).toThrow(
      /needs at least one --zone/,
    );
    expect(analyticsFromFlags({})).toBeUndefined();
  });

  it('bad geometry fails before the model or the source is touched, in one line', async () => {
    const r = await runCli([
      'pipeline',
      'run',
      '-s',
      'missing.mp4',
      '-m',
      'missing-model',
      '--line',
      '3,3,3,3',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--line 3,3,3,3: the line has zero length/);
  });
});

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
describe.skipIf(!HAS_SHARED)('inference pipeline run --line --zone --zone-time', () => {
  let dir: string;
  let clip: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-analytics-'));
    clip = join(dir, 'slide.mp4');
    // dog.jpg's dog sliding left → right over a plain background, 2 s at 10 fps
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'color=c=0x708090:s=480x240:r=10:d=2',
      '-i',
      sharedMedia('dog.jpg'),
      '-filter_complex',
      "[1:v]crop=220:340:120:210,scale=110:170[d];[0:v][d]overlay=x='-55+t*280':y=35:eof_action=repeat",
      '-frames:v',
      '20',
      '-pix_fmt',
      'yuv420p',
      '-c:v',
      'mpeg4',
      clip,
    ]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each frame analytics to jsonl (implied --track) and prints the totals', async () => {
    const out = join(dir, 'out.jsonl');
    const r = await runCli([
      'pipeline',
      'run',
      '--source',
      clip,
      '--model',
      sharedModel('yolov8n_int8.onnx'),
      '--line',
      '0.5,0,0.5,1:mid',
      '--zone',
      '0.35,0,0.65,0,0.65,1,0.35,1:middle',
      '--zone-time',
      '--sink',
      `jsonl:${out}`,
      '--cache-dir',
      join(dir, 'cache'),
    ]);
    expect(r.code).toBe(0);
    const records = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records).toHaveLength(20);
    for (const rec of records) {
      expect(Object.keys(rec.analytics.lines[0]).sort()).toEqual([
        'crossed_in',
        'crossed_out',
        'in',
        'name',
        'out',
      ]);
      expect(Object.keys(rec.analytics.zones[0]).sort()).toEqual([
        'count',
        'count_by_class',
        'entered',
        'left',
        'name',
        'time_in_zone',
      ]);
    }
    // tracker ids are there although --track was not given
    expect(
      records.some((rec) => rec.predictions.predictions.some((p: { tracker_id?: number }) => p.tracker_id)),
    ).toBe(true);
    const crossedIn = records.flatMap((rec) => rec.analytics.lines[0].crossed_in).length;
    expect(crossedIn).toBeGreaterThanOrEqual(1);
    const last = records.at(-1).analytics;
    expect(last.lines[0]).toMatchObject({ name: 'mid', in: crossedIn });
    expect(r.stderr).toContain(
      `analytics #0: mid in ${crossedIn} out ${last.lines[0].out}; middle now ${last.zones[0].count}`,
    );
    expect(r.stderr).toMatch(/\| mid in \d+ out \d+ \| middle \d+/); // the status line
  }, 120_000);
});
