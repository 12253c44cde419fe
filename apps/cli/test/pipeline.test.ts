import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../testing/shared.js';
import { parseSinkSpec } from '../src/internal/commands/pipeline-sinks.js';
import { runCli } from './run-cli.js';

describe('--sink specs', () => {
  it.each([
    ['video:out.mp4', { kind: 'video', path: 'out.mp4' }],
    ['jsonl:/tmp/a.jsonl', { kind: 'jsonl', path: '/tmp/a.jsonl' }],
    ['udp:127.0.0.1:9999', { kind: 'udp', host: '127.0.0.1', port: 9999 }],
    ['preview:8090', { kind: 'preview', host: '127.0.0.1', port: 8090 }],
    ['preview:0.0.0.0:8091', { kind: 'preview', host: '0.0.0.0', port: 8091 }],
  ])('%s', (spec, expected) => {
    expect(parseSinkSpec(spec)).toEqual(expected);
  });

  it.each([
    ['mp4:out.mp4', /unknown sink "mp4"/],
    ['udp:9999', /expected udp:<host>:<port>/],
    ['udp:host:99999', /not a port/],
    ['video', /give a file/],
  ])('%s is refused', (spec, message) => {
    expect(() => parseSinkSpec(spec)).toThrow(message);
  });
});

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
const sharedNote = HAS_SHARED ? 'shared data present' : SHARED_SKIP_REASON;
describe.skipIf(!HAS_SHARED)(`inference pipeline run (${sharedNote})`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cli-pipeline-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('processes every frame of a file into a JSON lines sink and reports the totals', async () => {
    const out = join(dir, 'out.jsonl');
    const r = await runCli([
      'pipeline',
      'run',
      '--source',
      sharedMedia('test_video.mp4'),
      '--model',
      sharedModel('yolov8n_int8.onnx'),
      '--track',
      '--sink',
      `jsonl:${out}`,
      '--cache-dir',
      join(dir, 'cache'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/done: 10 frames processed, 0 dropped, 0 sink errors/);
    const lines = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(10);
    expect(lines.map((l) => l.frame_id ?? l.metadata?.frame_id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a bad sink spec fails before anything starts, in one line', async () => {
    const r = await runCli(['pipeline', 'run', '-s', 'x.mp4', '-m', 'y', '--sink', 'bogus:1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown sink "bogus"/);
  });
});
