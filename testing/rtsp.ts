/**
 * Test helper: a real RTSP server on loopback (Debian's `rtsp-server-perl`)
 * and ffmpeg publishers that push a (looping) file into it.
 *
 * The perl server takes publishers (ANNOUNCE/RECORD) on one port and players
 * (DESCRIBE/PLAY) on another. It only speaks RTP over UDP: publishers must use
 * `-rtsp_transport udp` and players cannot use TCP interleaving.
 *
 * CI needs: `apt-get install -y --no-install-recommends ffmpeg rtsp-server-perl`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';

function which(bin: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const SERVER_BIN = which('rtsp-server-perl');
const FFMPEG_BIN = which('ffmpeg');

/** True when both the RTSP server and ffmpeg are installed. */
export const HAS_RTSP_SERVER = SERVER_BIN !== undefined && FFMPEG_BIN !== undefined;

/** Reason printed when RTSP tests are skipped. */
export const RTSP_SKIP_REASON =
  'rtsp-server-perl or ffmpeg missing (apt-get install -y ffmpeg rtsp-server-perl): skipping RTSP tests';

/** A running publisher; `stop()` kills and reaps its ffmpeg. */
export interface Publisher {
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** A running RTSP server; `close()` stops every publisher and the server. */
export interface RtspServer {
  /** URL players use, e.g. `rtsp://127.0.0.1:40123/cam`. */
  url(path: string): string;
  /** Starts ffmpeg publishing `file` at real-time pace to `path`; resolves once players can DESCRIBE it. */
  publish(file: string, options?: { path?: string; loop?: boolean }): Promise<Publisher>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Sends one RTSP request and returns the status line ('' when the port is not answering). */
function rtspRequest(port: number, method: string, url: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let data = '';
    const done = (line: string) => {
      socket.destroy();
      resolve(line);
    };
    socket.setTimeout(1000, () => done(''));
    socket.once('error', () => done(''));
    socket.on('data', (c) => {
      data += c.toString('latin1');
      if (data.includes('\r\n')) done(data.split('\r\n')[0]);
    });
    socket.connect(port, '127.0.0.1', () => socket.write(`${method} ${url} RTSP/1.0\r\nCSeq: 1\r\n\r\n`));
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/**
 * Starts `rtsp-server-perl` on random loopback ports.
 * @example
 * const server = await startRtspServer();
 * const pub = await server.publish(sharedMedia('example_video.mp4'), { path: 'cam', loop: true });
 * // read server.url('cam') with -rtsp_transport udp ...
 * await server.close();
 */
export async function startRtspServer(): Promise<RtspServer> {
  if (!SERVER_BIN || !FFMPEG_BIN) throw new Error(RTSP_SKIP_REASON);
  const clientPort = await freePort();
  const sourcePort = await freePort();
  // RTP/RTCP UDP ports for players are allocated upward from here.
  const rtpStart = 20_000 + 2 * Math.floor(Math.random() * 10_000);
  const server = spawn(
    SERVER_BIN,
    [
      '--clientport',
      String(clientPort),
      '--serverport',
      String(sourcePort),
      '--client_listen_address',
      '127.0.0.1',
      '--source_listen_address',
      '127.0.0.1',
      '--rtp_start_port',
      String(rtpStart),
      '--loglevel',
      '1',
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const publishers = new Set<Publisher>();
  const close = async () => {
    await Promise.all([...publishers].map((p) => p.stop()));
    await stopChild(server);
  };
  try {
    await waitFor(
      async () => (await rtspRequest(clientPort, 'OPTIONS', `rtsp://127.0.0.1:${clientPort}/`)) !== '',
      10_000,
      'rtsp-server-perl to listen',
    );
  } catch (e) {
    await close();
    throw e;
  }
  const url = (path: string) => `rtsp://127.0.0.1:${clientPort}/${path}`;
  return {
    url,
    async publish(file, options = {}) {
      const path = options.path ?? 'stream';
      const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re'];
      if (options.loop) args.push('-stream_loop', '-1');
      args.push('-i', file, '-an', '-c', 'copy', '-f', 'rtsp', '-rtsp_transport', 'udp');
      args.push(`rtsp://127.0.0.1:${sourcePort}/${path}`);
      const child = spawn(FFMPEG_BIN, args, { stdio: ['ignore', 'ignore', 'ignore'] });
      const publisher: Publisher = {
        pid: child.pid,
        async stop() {
          publishers.delete(publisher);
          await stopChild(child);
        },
      };
      publishers.add(publisher);
      try {
        await waitFor(
          async () => (await rtspRequest(clientPort, 'DESCRIBE', url(path))).includes(' 200 '),
          10_000,
          `the publisher of /${path}`,
        );
      } catch (e) {
        await publisher.stop();
        throw e;
      }
      return publisher;
    },
    close,
  };
}
