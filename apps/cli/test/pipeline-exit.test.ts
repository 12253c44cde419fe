import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../testing/shared.js';

// The real CLI in a child process: a start failure must end the process by itself (nothing
// left listening or running), not just return from run().
const BIN = resolve(import.meta.dirname, '../src/bin.ts');
/** Far above any healthy exit; reaching it means the process hung. */
const HANG_MS = 45_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when we had to kill it: it would not exit by itself. */
  hung: boolean;
  stderr: string;
}

function runCliProcess(args: string[], env: Record<string, string | undefined> = {}): Promise<Exit> {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', BIN, ...args], {
    env: childEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  let hung = false;
  const guard = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, HANG_MS);
  return new Promise((resolveExit) => {
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      resolveExit({ code, signal, hung, stderr });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => ok(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function listening(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      ok(true);
    });
    socket.once('error', () => ok(false));
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-pipeline-exit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noKey = () => ({ ROBOFLOW_API_KEY: undefined, MODEL_CACHE_DIR: join(dir, 'empty-cache') });

describe('pipeline run: start failures end the process (real CLI, child process)', () => {
  it('a model that cannot load closes the preview sink and exits non-zero', async () => {
    const port = await freePort();
    const r = await runCliProcess(
      [
        'pipeline',
        'run',
        '-s',
        sharedMedia('example_video.mp4'),
        '-m',
        'coco/3',
        '--sink',
        `preview:${port}`,
      ],
      noKey(),
    );
    expect(r.hung).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/API[_ ]KEY/i);
    expect(await listening(port)).toBe(false);
  });

  it('two preview sinks on one port: the second fails to listen, the first is closed, exit non-zero', async () => {
    const port = await freePort();
    const r = await runCliProcess(
      [
        'pipeline',
        'run',
        '-s',
        sharedMedia('example_video.mp4'),
        '-m',
        'coco/3',
        '--sink',
        `preview:${port}`,
        '--sink',
        `preview:${port}`,
      ],
      noKey(),
    );
    expect(r.hung).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/PIPE_ERR_SINK_OPEN.*EADDRINUSE/);
    expect(await listening(port)).toBe(false);
  });

  it('an ftp:// source is refused at once as unsupported, and no --sink gets a warning', async () => {
    const r = await runCliProcess(
      ['pipeline', 'run', '-s', 'ftp://example.com/v.mp4', '-m', 'coco/3'],
      noKey(),
    );
    expect(r.hung).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/warning: no --sink given: predictions go nowhere/);
    expect(r.stderr).toMatch(/PIPE_ERR_SOURCE_REFERENCE.*ftp:\/\/ sources are not supported/);
  });
});

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

describe.skipIf(!HAS_SHARED)('pipeline run: sinks that cannot write (real CLI, needs ../shared)', () => {
  const model = () => sharedModel('yolov8n_int8.onnx');

  it.each([
    ['jsonl:/proc/nope/out.jsonl', /PIPE_ERR_SINK_OPEN.*jsonl sink cannot write \/proc\/nope\/out\.jsonl/],
    ['video:/proc/nope.mp4', /PIPE_ERR_SINK_OPEN.*video sink cannot write \/proc\/nope\.mp4/],
  ])('--sink %s fails at start, before any frame, and exits non-zero', async (sink, message) => {
    const port = await freePort();
    const r = await runCliProcess([
      'pipeline',
      'run',
      '-s',
      sharedMedia('example_video.mp4'),
      '-m',
      model(),
      '--sink',
      sink,
      '--sink',
      `preview:${port}`,
    ]);
    expect(r.hung).toBe(false);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/done: \d+ frames/);
    expect(r.stderr).not.toMatch(/INFERENCE_RESULTS_DISPATCHING_ERROR/);
    expect(await listening(port)).toBe(false);
  });

  it.skipIf(!existsSync('/dev/full'))(
    'a sink that fails on every frame (jsonl:/dev/full) stops the run after 10 in a row, exit non-zero',
    async () => {
      const r = await runCliProcess([
        'pipeline',
        'run',
        '-s',
        sharedMedia('example_video.mp4'),
        '-m',
        model(),
        '--sink',
        'jsonl:/dev/full',
      ]);
      expect(r.hung).toBe(false);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/error \[PIPE_ERR_SINK_ERROR_LIMIT\]: sink 0 failed on 10 batches in a row/);
      const processed = Number(/done: (\d+) frames processed/.exec(r.stderr)?.[1]);
      expect(processed).toBeLessThan(431); // stopped, not run to the end
    },
  );

  it('a source that fails to start leaves no empty jsonl file', async () => {
    const notVideo = join(dir, 'not-a-video.mp4');
    await writeFile(notVideo, 'hello');
    const out = join(dir, 'never.jsonl');
    const r = await runCliProcess([
      'pipeline',
      'run',
      '-s',
      notVideo,
      '-m',
      model(),
      '--sink',
      `jsonl:${out}`,
    ]);
    expect(r.hung).toBe(false);
    expect(r.code).not.toBe(0);
    expect(existsSync(out)).toBe(false);
  });
});
