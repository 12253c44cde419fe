import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeRoboflow, startFakeRoboflow } from '../../../testing/fake-roboflow.js';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'al-child.ts');

function run(args: string[]): { proc: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
    cwd: join(here, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let err = '';
  proc.stdout?.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  proc.stderr?.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      if (code) console.error(err);
      resolve(code);
    }),
  );
  return { proc, lines, exited };
}

describe('SIGKILL during an upload', () => {
  let rf: FakeRoboflow;
  const dir = mkdtempSync(join(tmpdir(), 'al-kill-'));
  beforeAll(async () => {
    rf = await startFakeRoboflow({ models: {}, activeLearning: {} });
  });
  afterAll(async () => {
    await rf.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers after a restart with no loss and no duplicate image or annotation', async () => {
    const n = 4;
    // the first upload is stored by the target, but its answer never arrives: the uploader dies first
    rf.al.uploadDelayMs = 60_000;
    const first = run([dir, rf.url, rf.apiKey, 'register', String(n)]);
    const killedMidUpload = new Promise<void>((resolve) => {
      rf.al.onUpload = () => {
        rf.al.onUpload = undefined;
        first.proc.kill('SIGKILL');
        resolve();
      };
    });
    await killedMidUpload;
    expect(await first.exited).toBeNull();
    expect(first.lines).toContain(`accepted ${n}`);
    expect(rf.al.uploads).toHaveLength(1);
    expect(rf.al.annotations).toHaveLength(0);

    rf.al.uploadDelayMs = 0;
    const second = run([dir, rf.url, rf.apiKey, 'deliver']);
    expect(await second.exited).toBe(0);
    expect(second.lines.some((l) => l.startsWith('done'))).toBe(true);
    expect(rf.al.uploads).toHaveLength(n);
    expect(new Set(rf.al.uploads.map((u) => u.sha256)).size).toBe(n);
    expect(rf.al.annotations).toHaveLength(n);
    expect(new Set(rf.al.annotations.map((a) => a.imageId)).size).toBe(n);
    // the cut-short image was re-sent, answered as a duplicate of itself, and then annotated
    expect(rf.al.uploadRequests).toBe(n + 1);
  });
});
