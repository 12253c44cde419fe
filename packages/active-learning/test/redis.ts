// A real redis-server on a free loopback port and a minimal RESP client (only what the tests call).
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import type { RedisLike } from '../src/internal/redis-limits.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export async function startRedis(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const proc: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return {
    port,
    stop: () =>
      new Promise<void>((r) => {
        proc.once('exit', () => r());
        proc.kill('SIGTERM');
      }),
  };
}

type Reply = string | number | null | Reply[];

/** RESP over one socket, one command at a time. */
export class MiniRedis implements RedisLike {
  readonly #sock: Socket;
  #buf = Buffer.alloc(0);
  #waiting: { resolve(r: Reply): void; reject(e: Error): void }[] = [];

  private constructor(sock: Socket) {
    this.#sock = sock;
    sock.on('data', (b: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, b]);
      for (;;) {
        const r = this.#parse(0);
        if (!r) break;
        this.#buf = this.#buf.subarray(r.end);
        const w = this.#waiting.shift();
        if (r.value instanceof Error) w?.reject(r.value);
        else w?.resolve(r.value);
      }
    });
  }

  static async connect(port: number): Promise<MiniRedis> {
    const sock = new Socket();
    await new Promise<void>((r, j) => sock.connect(port, '127.0.0.1', r).once('error', j));
    return new MiniRedis(sock);
  }

  #parse(at: number): { value: Reply | Error; end: number } | undefined {
    const nl = this.#buf.indexOf('\r\n', at);
    if (nl < 0) return undefined;
    const type = String.fromCharCode(this.#buf[at]);
    const line = this.#buf.subarray(at + 1, nl).toString();
    if (type === '+') return { value: line, end: nl + 2 };
    if (type === '-') return { value: new Error(line), end: nl + 2 };
    if (type === ':') return { value: Number(line), end: nl + 2 };
    if (type === '$') {
      const n = Number(line);
      if (n < 0) return { value: null, end: nl + 2 };
      if (this.#buf.length < nl + 2 + n + 2) return undefined;
      return { value: this.#buf.subarray(nl + 2, nl + 2 + n).toString(), end: nl + 2 + n + 2 };
    }
    const n = Number(line);
    const items: Reply[] = [];
    let end = nl + 2;
    for (let i = 0; i < n; i++) {
      const r = this.#parse(end);
      if (!r) return undefined;
      items.push(r.value as Reply);
      end = r.end;
    }
    return { value: items, end };
  }

  call(...args: (string | number)[]): Promise<Reply> {
    const parts = args.map(String);
    let msg = `*${parts.length}\r\n`;
    for (const p of parts) msg += `$${Buffer.byteLength(p)}\r\n${p}\r\n`;
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#sock.write(msg);
    });
  }

  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown> {
    return this.call('EVAL', script, numKeys, ...args);
  }

  close(): void {
    this.#sock.destroy();
  }
}
