import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbImage } from '@inference-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoFrame } from '../types.js';
import { VideoSource } from './video-source.js';

function solid(width: number, height: number, rgb: [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { data, width, height };
}

function ppm(image: RgbImage): Buffer {
  return Buffer.concat([Buffer.from(`P6\n${image.width} ${image.height}\n255\n`), Buffer.from(image.data)]);
}

async function readAll(source: VideoSource): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for await (const frame of source) frames.push(frame);
  return frames;
}

describe('image directory and glob sources', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipe-images-'));
    // Written out of order and with numbers that sort wrongly as plain strings.
    await writeFile(join(dir, 'frame10.ppm'), ppm(solid(8, 6, [0, 0, 255])));
    await writeFile(join(dir, 'frame2.ppm'), ppm(solid(8, 6, [0, 255, 0])));
    await writeFile(join(dir, 'frame1.ppm'), ppm(solid(8, 6, [255, 0, 0])));
    await writeFile(join(dir, 'notes.txt'), 'not an image');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a directory in natural order as a file-like source', async () => {
    const source = await VideoSource.create(dir, { fps: 10 });
    await source.start();
    expect(source.properties).toMatchObject({ width: 8, height: 6, totalFrames: 3, isFile: true, fps: 10 });
    const frames = await readAll(source);
    expect(frames.map((f) => Array.from(f.image.data.subarray(0, 3)))).toEqual([
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ]);
    expect(frames.map((f) => f.frameId)).toEqual([1, 2, 3]);
    expect(frames[2].ptsSec).toBeCloseTo(0.2, 6);
    expect(source.state).toBe('ENDED');
    await source.terminate();
  });

  it('reads a glob, scaled to a requested size', async () => {
    const source = await VideoSource.create(join(dir, 'frame1*.ppm'), { size: { width: 4, height: 2 } });
    await source.start();
    const frames = await readAll(source);
    expect(frames.length).toBe(2); // frame1, frame10
    expect(frames[0].image).toMatchObject({ width: 4, height: 2 });
    expect(Array.from(frames[1].image.data.subarray(0, 3))).toEqual([0, 0, 255]);
    await source.terminate();
  });

  it('rejects a glob that matches nothing', async () => {
    await expect(VideoSource.create(join(dir, '*.jpg'))).rejects.toMatchObject({
      code: 'PIPE_ERR_SOURCE_NOT_FOUND',
    });
  });
});

describe('FrameProducer sources', () => {
  it('reads an async iterable to its end with back-pressure (never more than the buffer ahead)', async () => {
    let produced = 0;
    async function* gen() {
      for (let i = 0; i < 20; i++) {
        produced++;
        yield solid(2, 2, [i, i, i]);
      }
    }
    const source = await VideoSource.create(gen(), { bufferSize: 3, sourceId: 1 });
    await source.start();
    expect(source.properties).toMatchObject({ width: 2, height: 2, isFile: false });
    // once the buffer is full, the producer is held: it never runs further ahead
    while (source.stats().bufferedFrames < 3) await new Promise((r) => setTimeout(r, 5));
    expect(produced).toBeLessThanOrEqual(3 + 2); // buffer + the one in hand + the first frame
    const frames = await readAll(source);
    expect(frames.map((f) => f.image.data[0])).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(frames.every((f) => f.sourceId === 1)).toBe(true);
    await source.terminate();
  });

  it('reads a pull function until it returns null', async () => {
    let n = 0;
    const source = await VideoSource.create(() => (n < 5 ? solid(3, 1, [n++, 0, 0]) : null));
    await source.start();
    const frames = await readAll(source);
    expect(frames.map((f) => f.frameId)).toEqual([1, 2, 3, 4, 5]);
    expect(source.state).toBe('ENDED');
  });

  it('turns a bad frame or a throwing producer into ERROR with PIPE_ERR_PRODUCER', async () => {
    const events: string[] = [];
    let n = 0;
    const source = await VideoSource.create(
      () => {
        if (n++ < 2) return solid(2, 2, [1, 2, 3]);
        throw new Error('camera unplugged');
      },
      { onEvent: (e) => e.type === 'error' && events.push(`${e.error.code}: ${e.error.message}`) },
    );
    await source.start();
    const frames = await readAll(source);
    expect(frames.length).toBe(2);
    expect(source.state).toBe('ERROR');
    expect(events).toEqual(['PIPE_ERR_PRODUCER: The frame producer threw: camera unplugged']);

    const bad = await VideoSource.create(() => ({ data: new Uint8Array(5), width: 2, height: 2 }));
    await expect(bad.start()).rejects.toMatchObject({ code: 'PIPE_ERR_PRODUCER' });
  });
});

describe('image directory decoded in process', () => {
  it('reads PNG and EXIF-rotated JPEG files with sharp, applying the orientation', async () => {
    const sharp = (await import('sharp')).default;
    const dir = await mkdtemp(join(tmpdir(), 'pipe-sharp-'));
    try {
      await writeFile(
        join(dir, 'a.png'),
        await sharp({ create: { width: 8, height: 4, channels: 3, background: '#ff0000' } })
          .png()
          .toBuffer(),
      );
      const rotated = await sharp({ create: { width: 8, height: 4, channels: 3, background: '#00ff00' } })
        .jpeg()
        .withMetadata({ orientation: 6 })
        .toBuffer();
      await writeFile(join(dir, 'b.jpg'), rotated);
      const source = await VideoSource.create(dir, { fps: 5 });
      await source.start();
      const frames = await readAll(source);
      expect(frames.map((f) => [f.image.width, f.image.height])).toEqual([
        [8, 4],
        [4, 8],
      ]);
      expect(Array.from(frames[0].image.data.subarray(0, 3))).toEqual([255, 0, 0]);
      await source.terminate();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
