import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Detections, loadImage, ObjectDetectionResult, zeroTimings } from '@inference-ts/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { VideoFrame } from '../types.js';
import { MJPEG_BOUNDARY, mjpegPreviewSink } from './mjpeg-preview.js';
import { videoFileSink } from './video-file.js';

const dir = mkdtempSync(join(tmpdir(), 'pipe-pixels-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hasFfmpeg = (() => {
  try {
    execFileSync('ffprobe', ['-version'], { stdio: 'ignore' });
    execFileSync('ffmpeg', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function frame(sourceId: number, frameId: number, w: number, h: number, shade = 40): VideoFrame {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = (frameId * 10) % 256;
    data[i + 1] = shade;
    data[i + 2] = 200;
  }
  return {
    image: { data, width: w, height: h },
    frameId,
    frameTimestamp: Date.now(),
    sourceId,
    fps: 25,
    decodedAt: performance.now(),
  };
}

function boxResult(w: number, h: number): ObjectDetectionResult {
  const d = new Detections({
    xyxy: Float32Array.of(4, 4, w / 2, h / 2),
    confidence: Float32Array.of(0.9),
    classId: Int32Array.of(0),
  });
  return new ObjectDetectionResult({
    inferenceId: 'x',
    image: { width: w, height: h },
    detections: d,
    classNames: ['thing'],
    timings: zeroTimings(),
  });
}

function probe(path: string): { width: number; height: number; frames: number; codec: string; rate: string } {
  const out = execFileSync('ffprobe', [
    '-v',
    'error',
    '-count_frames',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=width,height,nb_read_frames,codec_name,r_frame_rate',
    '-of',
    'json',
    path,
  ]).toString();
  const s = JSON.parse(out).streams[0];
  return {
    width: s.width,
    height: s.height,
    frames: Number(s.nb_read_frames),
    codec: s.codec_name,
    rate: s.r_frame_rate,
  };
}

describe.skipIf(!hasFfmpeg)('videoFileSink (needs ffmpeg)', () => {
  it('writes a playable file with every frame, one file per source', async () => {
    const path = join(dir, 'out.mp4');
    const sink = videoFileSink(path);
    for (let k = 1; k <= 12; k++) {
      await sink([boxResult(64, 48), null], [frame(0, k, 64, 48), k <= 5 ? frame(1, k, 32, 30) : null]);
    }
    await sink.close();
    expect([...sink.files.values()]).toEqual([join(dir, 'out.0.mp4'), join(dir, 'out.1.mp4')]);
    const a = probe(join(dir, 'out.0.mp4'));
    expect(a).toMatchObject({ width: 64, height: 48, frames: 12, rate: '25/1' }); // the frames' declared fps
    expect(['h264', 'mpeg4']).toContain(a.codec);
    expect(probe(join(dir, 'out.1.mp4'))).toMatchObject({ width: 32, height: 30, frames: 5 });
    await expect(sink([null], [frame(0, 99, 64, 48)])).rejects.toMatchObject({
      code: 'PIPE_ERR_SINK_CLOSED',
    });
  });

  it('pads odd sizes, honours codec mpeg4, refuses a size change', async () => {
    const path = join(dir, 'odd.avi');
    const sink = videoFileSink(path, { codec: 'mpeg4', fps: 10 });
    await sink([null], [frame(0, 1, 33, 21)]);
    await expect(sink([null], [frame(0, 2, 40, 20)])).rejects.toMatchObject({ code: 'PIPE_ERR_VIDEO_WRITE' });
    await sink([null], [frame(0, 3, 33, 21)]);
    await sink.close();
    expect(existsSync(path)).toBe(true);
    expect(probe(path)).toMatchObject({ width: 34, height: 22, frames: 2, codec: 'mpeg4', rate: '10/1' });
  });
});

/** Read from a streaming response until `done` says the collected bytes suffice. */
function readStream(
  url: string,
  done: (buf: Buffer) => boolean,
): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let body = Buffer.alloc(0);
      res.on('data', (chunk: Buffer) => {
        body = Buffer.concat([body, chunk]);
        if (done(body)) {
          req.destroy();
          resolve({ headers: res.headers, body });
        }
      });
      res.on('error', reject);
    });
    req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
    req.end();
  });
}

function parsePart(body: Buffer): Buffer | undefined {
  const text = body.toString('latin1');
  const start = text.indexOf(`--${MJPEG_BOUNDARY}\r\n`);
  if (start < 0) return undefined;
  const headerEnd = text.indexOf('\r\n\r\n', start);
  if (headerEnd < 0) return undefined;
  const length = Number(/Content-Length: (\d+)/i.exec(text.slice(start, headerEnd))?.[1]);
  const from = headerEnd + 4;
  if (body.length < from + length) return undefined;
  return body.subarray(from, from + length);
}

describe('mjpegPreviewSink', () => {
  it('serves a multipart JPEG stream a client can decode, to several clients', async () => {
    const sink = await mjpegPreviewSink({ port: 0 });
    try {
      expect(sink.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const first = readStream(sink.url, (b) => parsePart(b) !== undefined);
      const second = readStream(sink.url, (b) => parsePart(b) !== undefined);
      // keep feeding frames until both clients received a part (no timing assumptions)
      let k = 0;
      let settled = false;
      const both = Promise.all([first, second]).finally(() => {
        settled = true;
      });
      while (!settled) {
        await sink([boxResult(48, 32)], [frame(0, ++k, 48, 32)]);
        await new Promise((r) => setTimeout(r, 5));
      }
      const [a, b] = await both;
      expect(String(a.headers['content-type'])).toBe(`multipart/x-mixed-replace; boundary=${MJPEG_BOUNDARY}`);
      for (const r of [a, b]) {
        const jpeg = parsePart(r.body)!;
        expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
        const img = await loadImage(jpeg);
        expect([img.width, img.height]).toEqual([48, 32]);
      }
      const snap = await fetch(new URL('/snapshot.jpg', sink.url));
      expect(snap.headers.get('content-type')).toBe('image/jpeg');
      expect((await loadImage(Buffer.from(await snap.arrayBuffer()))).width).toBe(48);
      expect((await fetch(new URL('/nope', sink.url))).status).toBe(404);
    } finally {
      await sink.close();
    }
    await expect(fetch(sink.url)).rejects.toThrow();
  });
});
