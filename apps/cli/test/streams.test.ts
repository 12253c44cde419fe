import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamManager, StreamManagerHttp } from '@inference-ts/stream-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, yoloxDir } from '../../../testing/shared.js';
import { runCli } from './run-cli.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

describe.skipIf(!HAS_SHARED)('inference streams ... --host', () => {
  let root: string;
  let model: string;
  let manager: StreamManager;
  let http: StreamManagerHttp;
  let host: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cli-streams-'));
    model = await yoloxDir(root);
    manager = new StreamManager();
    http = new StreamManagerHttp(manager);
    host = await http.listen();
  });
  afterAll(async () => {
    await http?.close();
    await manager?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('starts, lists, consumes, pauses, resumes, reports and terminates a pipeline', async () => {
    const start = await runCli([
      'streams',
      'start',
      '-s',
      sharedMedia('example_video.mp4'),
      '-m',
      model,
      '--track',
      '--max-fps',
      '10',
      '--host',
      host,
    ]);
    expect(start.stderr).toBe('');
    expect(start.code).toBe(0);
    const id = start.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse((await runCli(['streams', 'list', '--host', host])).stdout).pipelines).toEqual([id]);
    let consumed: { outputs: { predictions: { predictions: unknown[] } }[] } = { outputs: [] };
    for (let i = 0; i < 100 && consumed.outputs.length === 0; i++) {
      consumed = JSON.parse((await runCli(['streams', 'consume', id, '--host', host])).stdout);
      if (consumed.outputs.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(consumed.outputs[0].predictions).toHaveProperty('predictions');
    for (const cmd of ['pause', 'resume', 'status']) {
      const r = await runCli(['streams', cmd, id, '--host', host]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).status).toBe('success');
    }
    expect((await runCli(['streams', 'terminate', id, '--host', host])).code).toBe(0);
    const gone = await runCli(['streams', 'status', id, '--host', host]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/404: .*Could not find InferencePipeline with id=/);
  });

  it('explains bad flags and an unreachable host in one line', async () => {
    const both = await runCli([
      'streams',
      'start',
      '-s',
      'a.mp4',
      '-m',
      'x',
      '--workflow',
      'w.json',
      '--host',
      host,
    ]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/give one of --model, --workflow/);
    const down = await runCli(['streams', 'list', '--host', 'http://127.0.0.1:9']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the stream API at http:\/\/127.0.0.1:9/);
  });
});
