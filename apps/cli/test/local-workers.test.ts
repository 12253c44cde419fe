/**
 * `inference server start --redis ... --local-workers 2` as a user runs it on
 * one machine: a front and two worker processes on a real Redis, each worker
 * sized to half of the machine; they answer requests, and they leave with the
 * front however it goes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, childrenOf, commandOf, environOf } from '../../../testing/processes.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../testing/shared.js';
import { freePort, startRedis, type TestRedis, until } from '../../server/test/redis-helpers.js';
import { runCli } from './run-cli.js';

const BIN = resolve(import.meta.dirname, '../src/bin.ts');

/** The worker processes `pid` started (tsx's esbuild service is a child too, not counted). */
const workersOf = (pid: number) => childrenOf(pid).filter((p) => / worker --redis /.test(commandOf(p)));

describe.skipIf(!HAS_SHARED || process.platform !== 'linux')(
  'server start --local-workers (real Redis)',
  () => {
    if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
    let redis: TestRedis | undefined;
    let front: ChildProcess | undefined;
    afterEach(async () => {
      front?.kill('SIGKILL');
      await redis?.stop();
    });

    it('runs a front and two workers sized to half the machine, answers, and the workers leave with the front', async () => {
      redis = await startRedis();
      const port = await freePort();
      front = spawn(
        process.execPath,
        [
          '--conditions=source',
          '--import',
          'tsx',
          BIN,
          'server',
          'start',
          '--host',
          '127.0.0.1',
          '--port',
          String(port),
          '--redis',
          redis.url,
          '--local-workers',
          '2',
        ],
        {
          env: {
            ...process.env,
            LOG_LEVEL: 'warn',
            MODEL_ALIASES: `coco/3=${sharedModel('yolov8n_int8.onnx')}`,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      front.stdout?.on('data', (d) => {
        out += d;
      });
      front.stderr?.on('data', (d) => {
        out += d;
      });
      const frontPid = front.pid as number;
      await until(
        () => (out.match(/worker \S+ ready/g) ?? []).length === 2 && /listening on/.test(out),
        60_000,
      );

      const workers = workersOf(frontPid);
      expect(workers).toHaveLength(2);
      const share = String(Math.max(1, Math.floor(availableParallelism() / 2)));
      for (const w of workers) expect(environOf(w)).toContain(`ORT_CORES=${share}`);

      const url = `http://127.0.0.1:${port}`;
      await until(async () => {
        const m = await (await fetch(`${url}/metrics`)).text();
        return /^inference_distributed_workers_live 2$/m.test(m);
      });
      const body = JSON.stringify({
        model_id: 'coco/3',
        image: { type: 'base64', value: readFileSync(sharedMedia('dog.jpg')).toString('base64') },
      });
      const answers = await Promise.all(
        [0, 1, 2, 3].map(() =>
          fetch(`${url}/infer/object_detection`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          }).then(async (r) => ({ status: r.status, body: (await r.json()) as { predictions?: unknown[] } })),
        ),
      );
      for (const a of answers) {
        expect(a.status).toBe(200);
        expect(a.body.predictions?.length).toBeGreaterThan(0);
      }

      // killed outright, the front cannot stop them: they see its IPC channel close and leave
      front.kill('SIGKILL');
      await until(() => workers.every((w) => !alive(w)), 20_000);
    });

    it('worker --processes 2: two worker processes, each with half of the machine, stopped together', async () => {
      redis = await startRedis();
      front = spawn(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', BIN, 'worker', '--redis', redis.url, '--processes', '2'],
        { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      front.stdout?.on('data', (d) => {
        out += d;
      });
      front.stderr?.on('data', (d) => {
        out += d;
      });
      await until(() => (out.match(/worker \S+ ready/g) ?? []).length === 2, 60_000, 'two workers ready');
      expect(out).toMatch(/2 worker processes, \d+ cores? each/);
      const kids = workersOf(front.pid as number);
      expect(kids).toHaveLength(2);
      const share = String(Math.max(1, Math.floor(availableParallelism() / 2)));
      for (const k of kids) expect(environOf(k)).toContain(`ORT_CORES=${share}`);
      // each announces itself on its first heartbeat
      const live = async () =>
        ((await runCli(['workers', 'list', '--redis', redis!.url])).stdout.match(/^live /gm) ?? []).length;
      await until(async () => (await live()) === 2, 10_000, 'two live workers listed');

      const exit = new Promise<number | null>((r) => front?.once('exit', (code) => r(code)));
      front.kill('SIGTERM');
      expect(await exit).toBe(0);
      await until(() => kids.every((k) => !alive(k)), 20_000, 'both worker processes gone');
    });
  },
);
