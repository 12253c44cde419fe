/**
 * `SERVER_PROCESSES=N` as users run it: N forked server processes on one port,
 * each sized to its share of the machine, restarted when one dies, and all
 * gone when the primary is stopped.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { alive, childrenOf, commandOf } from '../../../testing/processes.js';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedModel } from '../../../testing/shared.js';
import {
  availableMemory,
  DEFAULT_MAX_IMAGE_PIXELS,
  defaultDecodeBudget,
} from '../src/internal/scale/sizing.js';
import { type ChildServer, startChildServer, waitFor } from './child-server.js';

/** The server processes forked by `pid` (tsx's esbuild service is a child too, not counted). */
const serverProcesses = (pid: number) => childrenOf(pid).filter((p) => commandOf(p).includes('main.ts'));

async function metric(url: string, pattern: RegExp): Promise<number> {
  // a new connection each time: the primary hands connections to the processes in turn
  const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
  return Number(pattern.exec(text)?.[1]);
}
const INFO_REQUESTS = /^inference_requests_total\{[^}]*route="\/info"[^}]*\} (\d+)/m;

describe.skipIf(process.platform !== 'linux')('SERVER_PROCESSES=2', () => {
  let server: ChildServer | undefined;
  afterEach(() => server?.kill());

  it('shares the port and the machine, replaces a dead process, and stops them all', async () => {
    server = await startChildServer({ SERVER_PROCESSES: '2', LOG_LEVEL: 'warn' });
    const primary = server.child.pid as number;
    await waitFor(() => serverProcesses(primary).length === 2, 'two server processes');
    const first = serverProcesses(primary);
    // each process holds half of the machine's decoded-pixel budget, not all of it; a scrape
    // reports both processes (the sum), whichever of them answers it
    const half = defaultDecodeBudget(DEFAULT_MAX_IMAGE_PIXELS, availableMemory() / 2);
    for (let i = 0; i < 3; i++)
      expect(await metric(server.url, /^inference_decoded_pixels\{state="capacity"\} (\d+)/m)).toBe(2 * half);
    // requests spread over both processes are all counted in every scrape
    for (let i = 0; i < 6; i++)
      expect((await fetch(`${server.url}/info`, { headers: { connection: 'close' } })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect(await metric(server.url, INFO_REQUESTS)).toBe(6);

    process.kill(first[0], 'SIGKILL');
    await waitFor(() => {
      const now = serverProcesses(primary);
      return now.length === 2 && !now.includes(first[0]);
    }, 'a replacement process');
    expect(server.stdout() + server.stderr()).toMatch(new RegExp(`server process ${first[0]} exited`));
    await waitFor(
      async () => (await fetch(`${server!.url}/healthz`).catch(() => undefined))?.status === 200,
      'the port served again',
    );

    const all = [primary, ...serverProcesses(primary)];
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    await waitFor(() => all.every((p) => !alive(p)), 'every server process gone', 15_000);
  });
});

describe.skipIf(process.platform !== 'linux')('SERVER_PROCESSES=2 that cannot start', () => {
  it('stops every process and exits 1 instead of restarting them forever', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = String((taken.address() as { port: number }).port);
    try {
      const err = await startChildServer({ SERVER_PROCESSES: '2', PORT: port, LOG_LEVEL: 'warn' }).then(
        () => 'listening',
        (e: Error) => e.message,
      );
      expect(err).toMatch(/exited before listening \(1\)/);
      expect(err).toMatch(/EADDRINUSE/);
      expect(err).toMatch(/server process \d+ failed to start \(1\); stopping/);
      expect(err).not.toMatch(/starting another/);
    } finally {
      taken.close();
    }
  });
});

describe('the entry point with a malformed variable', () => {
  it('says which, in one line, and exits 1', async () => {
    const bad: Record<string, string>[] = [{ ORT_CORES: 'half' }, { SERVER_PROCESSES: '0' }, { PORT: 'abc' }];
    for (const env of bad) {
      const err = await startChildServer(env).then(
        () => undefined,
        (e: Error) => e.message,
      );
      const name = Object.keys(env)[0];
      expect(err).toMatch(/exited before listening \(1\)/);
      expect(err).toMatch(new RegExp(`inference server failed to start: ${name} must be`));
      expect(err).not.toMatch(/^\s+at /m); // no stack trace
    }
  });
});

describe.skipIf(process.platform !== 'linux' || !HAS_SHARED)('SERVER_PROCESSES=2 and /model/*', () => {
  if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
  let server: ChildServer | undefined;
  afterEach(() => server?.kill());

  /** The model ids each of the next `n` connections' processes lists (the primary hands them out in turn). */
  const registries = async (url: string, n = 4) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await fetch(`${url}/model/registry`, { headers: { connection: 'close' } });
      const body = (await r.json()) as { models: { model_id: string }[] };
      out.push(body.models.map((m) => m.model_id).join(','));
    }
    return out;
  };

  it('load, unload and clear in every process, and a replacement process loads what was added', async () => {
    server = await startChildServer({
      SERVER_PROCESSES: '2',
      LOG_LEVEL: 'warn',
      MODEL_ALIASES: `coco/3=${sharedModel('yolov8n_int8.onnx')},coco/4=${sharedModel('yolox_nano.onnx')}`,
    });
    const url = server.url;
    const primary = server.child.pid as number;
    await waitFor(() => serverProcesses(primary).length === 2, 'two server processes');
    const add = (id: string) =>
      fetch(`${url}/model/add`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ model_id: id }),
      });
    expect((await add('coco/3')).status).toBe(200);
    expect((await add('coco/4')).status).toBe(200);
    const both = async () =>
      (await registries(url)).every((r) => r.split(',').sort().join() === 'coco/3,coco/4');
    await waitFor(both, 'both models listed by both processes');

    const remove = await fetch(`${url}/model/remove`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ model_id: 'coco/4' }),
    });
    expect(remove.status).toBe(200);
    await waitFor(
      async () => (await registries(url)).every((r) => r === 'coco/3'),
      'coco/4 unloaded everywhere',
    );

    // a process that replaces a dead one loads what was added and not removed
    const [victim] = serverProcesses(primary);
    process.kill(victim, 'SIGKILL');
    await waitFor(() => {
      const now = serverProcesses(primary);
      return now.length === 2 && !now.includes(victim);
    }, 'a replacement process');
    await waitFor(async () => {
      const lists = await registries(url).catch(() => []);
      return lists.length === 4 && lists.every((r) => r === 'coco/3');
    }, 'the replacement holding coco/3');

    expect(
      (await fetch(`${url}/model/clear`, { method: 'POST', headers: { connection: 'close' } })).status,
    ).toBe(200);
    await waitFor(async () => (await registries(url)).every((r) => r === ''), 'no model anywhere');
  });
});
