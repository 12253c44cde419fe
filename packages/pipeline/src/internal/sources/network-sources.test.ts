import { execFileSync, spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, sharedMedia } from '../../../../../testing/shared.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import type { VideoFrame } from '../types.js';
import { eventLog } from './test-support.js';
import { VideoSource } from './video-source.js';

/** Serves a folder over plain HTTP on loopback, counting requests per path. */
async function serveFolder(dir: string): Promise<{ url: string; hits: Map<string, number>; server: Server }> {
  const hits = new Map<string, number>();
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const file = join(dir, path);
    try {
      const st = await stat(file);
      const type = path.endsWith('.m3u8')
        ? 'application/vnd.apple.mpegurl'
        : path.endsWith('.ts')
          ? 'video/mp2t'
          : 'video/mp4';
      res.writeHead(200, { 'content-type': type, 'content-length': st.size });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

async function take(source: VideoSource, n: number): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for await (const f of source) {
    frames.push(f);
    if (frames.length >= n) break;
  }
  return frames;
}

describe.skipIf(!HAS_SHARED)('HTTP video and HLS sources (real HTTP server on loopback)', () => {
  let dir: string;
  let http: Awaited<ReturnType<typeof serveFolder>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipe-hls-'));
    const { ffmpeg } = await locateFfmpeg();
    // an HLS rendition of the test clip: a playlist plus MPEG-TS segments of one second
    execFileSync(ffmpeg, [
      ...['-v', 'error', '-i', sharedMedia('example_video.mp4'), '-t', '3', '-c:v', 'libx264', '-g', '30'],
      ...['-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod', join(dir, 'clip.m3u8')],
    ]);
    http = await serveFolder(dir);
  });
  afterAll(async () => {
    await new Promise((r) => http.server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('reads an HLS playlist and its segments as a file-like source', async () => {
    const source = await VideoSource.create(`${http.url}/clip.m3u8`, { isFile: true });
    await source.start();
    expect(source.properties).toMatchObject({ width: 426, height: 240, isFile: true });
    const frames: VideoFrame[] = [];
    for await (const f of source) frames.push(f);
    expect(frames.length).toBe(90);
    expect(frames.map((f) => f.frameId)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    expect([...http.hits.keys()].filter((p) => p.endsWith('.ts')).length).toBeGreaterThanOrEqual(3);
    await source.terminate();
  });

  it('reads an MPEG-TS stream over HTTP as a live source by default (fresh frames only)', async () => {
    const source = await VideoSource.create(`${http.url}/clip0.ts`);
    await source.start();
    expect(source.properties?.isFile).toBe(false);
    expect(source.fillingStrategy).toBe('DROP_OLDEST');
    const frames = await take(source, 5);
    expect(frames).toHaveLength(5);
    expect(frames[0].image.data.length).toBe(426 * 240 * 3);
    for (let i = 1; i < frames.length; i++) expect(frames[i].frameId).toBeGreaterThan(frames[i - 1].frameId);
    await source.terminate();
    expect(source.state).toBe('ENDED');
  });
});

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  const srv = createTcpServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

describe.skipIf(!HAS_SHARED)('RTMP source (ffmpeg as a real RTMP server on loopback)', () => {
  it('connects, delivers frames at the stream size with increasing ids, and terminates cleanly', async () => {
    const { ffmpeg } = await locateFfmpeg();
    const port = await freePort();
    const url = `rtmp://127.0.0.1:${port}/live/cam`;
    // ffmpeg in listen mode is an RTMP server that streams the clip to the first player
    const server = spawn(ffmpeg, [
      ...['-v', 'error', '-re', '-stream_loop', '-1', '-i', sharedMedia('example_video.mp4')],
      ...['-c:v', 'copy', '-an', '-f', 'flv', '-listen', '1', url],
    ]);
    try {
      // no wait for the server to listen: a live source retries until it answers
      const log = eventLog();
      const source = await VideoSource.create(url, {
        reconnect: { initialDelayMs: 100, maxDelayMs: 500 },
        onEvent: log.onEvent,
      });
      await source.start();
      await log.waitFor((e) => e.type === 'connected');
      expect(source.properties?.isFile).toBe(false);
      const frames = await take(source, 10);
      expect(frames).toHaveLength(10);
      expect([frames[0].image.width, frames[0].image.height]).toEqual([426, 240]);
      for (let i = 1; i < frames.length; i++)
        expect(frames[i].frameId).toBeGreaterThan(frames[i - 1].frameId);
      await source.terminate();
      expect(source.state).toBe('ENDED');
    } finally {
      server.kill('SIGKILL');
    }
  });
});
