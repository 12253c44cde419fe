import { describe, expect, it } from 'vitest';
import { InferencePipeline } from '../pipeline/inference-pipeline.js';
import { resolveReference } from './reference.js';

describe('video references', () => {
  it.each([
    'ftp://example.com/video.mp4',
    'FTP://user:secret@example.com/v.mp4',
    'srt://127.0.0.1:9000',
    'udp://239.0.0.1:1234',
    'gopher://example.com/',
  ])('refuses %s at once as unsupported (never retried)', async (ref) => {
    const error = await resolveReference(ref).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PIPE_ERR_SOURCE_REFERENCE', status: 400 });
    expect((error as Error).message).toMatch(/sources are not supported/);
    expect((error as Error).message).not.toMatch(/secret/);
  });

  it.each([
    ['rtsp://cam.local/live', 'rtsp'],
    ['RTSPS://cam.local/live', 'rtsp'],
    ['rtmp://host/app/key', 'rtmp'],
    ['https://host/live.m3u8?x=1', 'hls'],
    ['http://host/stream.mjpg', 'http'],
  ])('accepts %s as a %s stream', async (ref, inputKind) => {
    expect(await resolveReference(ref)).toMatchObject({ kind: 'ffmpeg', inputKind, live: true });
  });

  it('a pipeline on an ftp:// source fails in init, before anything is started', async () => {
    await expect(
      InferencePipeline.init({ videoReference: 'ftp://example.com/a.mp4', onVideoFrame: (f) => f }),
    ).rejects.toMatchObject({ code: 'PIPE_ERR_SOURCE_REFERENCE' });
  });
});
