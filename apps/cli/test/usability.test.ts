import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../testing/onnx-builder.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../testing/shared.js';
import { buildProgram } from '../src/internal/program.js';
import { runCli, runCliProcess } from './run-cli.js';

// What a new user meets in the first hour: messages that say what to do,
// output that says which image it is about, help that fits the command.

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

let root: string;
let model: string;
let imgA: string;
let imgB: string;
let imgA2: string;
const noKey = { ROBOFLOW_API_KEY: undefined, API_KEY: undefined, MODEL_CACHE_DIR: undefined };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-usability-'));
  // a YOLOv8-layout detector [1, 4 + 2, 8] with one confident box, whatever the image
  const n = 8;
  const data = new Float32Array(6 * n);
  [32, 32, 20, 20, 0.9, 0.1].forEach((v, c) => {
    data[c * n] = v;
  });
  model = join(root, 'det.onnx');
  await writeFile(
    model,
    constantOutputModel({ name: 'images', shape: [1, 3, 64, 64] }, { output0: { dims: [1, 6, n], data } }),
  );
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();
  imgA = join(root, 'a.png');
  imgB = join(root, 'b.png');
  await mkdir(join(root, 'other'));
  imgA2 = join(root, 'other', 'a.png');
  for (const p of [imgA, imgB, imgA2]) await writeFile(p, png);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('infer output names its images', () => {
  it('each JSON line carries the source; --format roboflow prints the bare response', async () => {
    const r = await runCli(['infer', '-m', model, imgA, imgB, '--cache-dir', join(root, 'c')]);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.source)).toEqual([imgA, imgB]);
    expect(lines[0].predictions).toHaveLength(1);
    const bare = await runCli([
      'infer',
      '-m',
      model,
      imgA,
      '--format',
      'roboflow',
      '--cache-dir',
      join(root, 'c'),
    ]);
    const json = JSON.parse(bare.stdout);
    expect(json.source).toBeUndefined();
    expect(json.predictions).toHaveLength(1);
    const bad = await runCli(['infer', '-m', model, imgA, '--format', 'xml']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--format must be json or roboflow/);
  });

  it('--annotate says on stderr where it wrote each file, and never overwrites a same-named one', async () => {
    const out = join(root, 'annotated');
    const r = await runCli([
      'infer',
      '-m',
      model,
      imgA,
      imgA2,
      '--annotate',
      out,
      '--cache-dir',
      join(root, 'c'),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(2);
    expect(r.stderr).toContain(`annotated ${imgA} -> ${join(out, 'a.jpg')}\n`);
    expect(r.stderr).toContain(`annotated ${imgA2} -> ${join(out, 'a-2.jpg')}\n`);
    expect((await readdir(out)).sort()).toEqual(['a-2.jpg', 'a.jpg']);
  });

  it('an --annotate folder that cannot be made fails at once, non-zero, in one line', async () => {
    // Node's recursive mkdir never settles for /proc/x; the CLI must not wait on it
    const r = await runCliProcess(['infer', '-m', model, imgA, '--annotate', '/proc/x'], {}, 30_000);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/^error: cannot create the --annotate folder \/proc\/x: /);
    expect(r.stdout).toBe('');
  });
});

describe('models rm and list say what happened', () => {
  it('rm of a model that is not cached fails and says where it looked', async () => {
    const cache = join(root, 'empty-cache');
    const r = await runCli(['models', 'rm', 'never/9', '--cache-dir', cache]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^error: never\/9 is not in the cache folder .*empty-cache; nothing was removed\n$/,
    );
  });

  it('rm of a local file refuses and leaves the file', async () => {
    const r = await runCli(['models', 'rm', model, '--cache-dir', join(root, 'c')]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/removed/);
    expect(r.stderr).toMatch(/is a local model .*nothing was removed/);
    expect(existsSync(model)).toBe(true);
  });

  it('list on an empty cache names the empty folder on stderr', async () => {
    const cache = join(root, 'nothing-here');
    const r = await runCli(['models', 'list', '--cache-dir', cache]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`no models in the cache folder ${cache}\n`);
  });
});

describe('model id messages', () => {
  it('a missing key says how to give one', async () => {
    const r = await runCli(['infer', '-m', 'coco/3', imgA, '--cache-dir', join(root, 'k')], noKey);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /^error \[CORE_ERR_API_KEY_MISSING\]: .*--api-key <key> or the ROBOFLOW_API_KEY/,
    );
  });

  it('an alias error names the alias the user typed and its target', async () => {
    const r = await runCli(['infer', '-m', 'yolov8n-640', imgA, '--cache-dir', join(root, 'k')], noKey);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/"yolov8n-640" is an alias of coco\/3: /);
  });

  it('a missing relative folder is reported as a missing path, not a bad Roboflow id', async () => {
    const r = await runCli(['models', 'describe', 'path/to/model-dir', '--cache-dir', join(root, 'k')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /^error \[CORE_ERR_MODEL_NOT_FOUND\]: no model file or folder at \/.*path\/to\/model-dir/,
    );
    expect(r.stderr).not.toMatch(/^error \[CORE_ERR_MODEL_ID\]/);
  });
});

describe('--provider without the hardware', () => {
  it('prints one clear warning and none of ONNX Runtime raw log lines, then runs on cpu', async () => {
    const r = await runCliProcess([
      'infer',
      '--provider',
      'cuda',
      '-m',
      model,
      imgA,
      '--cache-dir',
      join(root, 'c'),
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).predictions).toHaveLength(1);
    // ORT's own log lines look like "2026-... [E:onnxruntime:..." (red on a terminal)
    expect(r.stderr).not.toMatch(/onnxruntime:|\[E:/);
    expect(r.stderr).not.toContain('\u001b[');
    const lines = r.stderr.split('\n').filter(Boolean);
    // where CUDA really works there is nothing to say
    expect(lines.length).toBeLessThanOrEqual(1);
    if (lines.length === 1) {
      expect(lines[0]).toMatch(/^warning: execution provider cuda .*(cpu instead|falling back to cpu)/);
      expect(lines[0]).not.toMatch(/cuda, cpu/);
    }
  });
});

/** Every command below the program, depth first. */
function commands(c: Command, path: string[] = []): string[][] {
  return c.commands.flatMap((s) => [[...path, s.name()], ...commands(s, [...path, s.name()])]);
}

describe('--help', () => {
  const all = commands(buildProgram());

  it.each(all.map((p) => [p.join(' ')]))('inference %s --help ends with examples', async (line) => {
    const r = await runCli([...line.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\(default: \[\]\)/);
    const examples = r.stdout.split('\nExamples:\n')[1];
    expect(examples).toBeDefined();
    // real invocations of this very command
    expect(examples).toContain(`$ inference ${line}`);
  });

  it('shows only the options that apply', async () => {
    const list = (await runCli(['models', 'list', '--help'])).stdout;
    for (const flag of ['--threads', '--sessions', '--worker', '--provider', '--api-key', '--allow-http']) {
      expect(list).not.toContain(flag);
    }
    expect(list).toContain('--cache-dir');
    const pull = (await runCli(['models', 'pull', '--help'])).stdout;
    expect(pull).toContain('--api-key');
    expect(pull).not.toContain('--threads');
    const rmHelp = (await runCli(['models', 'rm', '--help'])).stdout;
    expect(rmHelp).not.toContain('--provider');
    const infer = (await runCli(['infer', '--help'])).stdout;
    expect(infer).toContain('--provider');
  });
});

describe.skipIf(!HAS_SHARED)(
  `the real yolox_nano.onnx from the CLI (${HAS_SHARED ? 'shared data present' : SHARED_SKIP_REASON})`,
  () => {
    it('is described as yolox and finds dog, bicycle and car in dog.jpg', async () => {
      const described = await runCli(['models', 'describe', sharedModel('yolox_nano.onnx')]);
      expect(JSON.parse(described.stdout)).toMatchObject({ family: 'yolox', inputWidth: 416 });
      const r = await runCli(['infer', '-m', sharedModel('yolox_nano.onnx'), sharedMedia('dog.jpg')]);
      expect(r.code).toBe(0);
      const classes = JSON.parse(r.stdout).predictions.map((p: { class: string }) => p.class);
      expect(classes).toEqual(expect.arrayContaining(['dog', 'bicycle', 'car']));
    });
  },
);
