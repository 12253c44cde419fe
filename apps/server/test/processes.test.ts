/**
 * `SERVER_PROCESSES=N` as users run it: N forked server processes on one port,
 * each sized to its share of the machine, restarted when one dies, and all
 * gone when the primary is stopped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  availableMemory,
  DEFAULT_MAX_IMAGE_PIXELS,
  defaultDecodeBudget,
} from '../src/internal/scale/sizing.js';
import { type ChildServer, startChildServer, waitFor } from './child-server.js';

/** Live node child processes of `pid` (Linux /proc; tsx's esbuild service is a child too, not counted). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid && fields[0] !== 'Z' && comm === 'node') out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

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
    await waitFor(() => childrenOf(primary).length === 2, 'two server processes');
    const first = childrenOf(primary);
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
      const now = childrenOf(primary);
      return now.length === 2 && !now.includes(first[0]);
    }, 'a replacement process');
    expect(server.stdout() + server.stderr()).toMatch(new RegExp(`server process ${first[0]} exited`));
    await waitFor(
      async () => (await fetch(`${server!.url}/healthz`).catch(() => undefined))?.status === 200,
      'the port served again',
    );

    const all = [primary, ...childrenOf(primary)];
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    await waitFor(() => all.every((p) => !alive(p)), 'every server process gone', 15_000);
  });
});
