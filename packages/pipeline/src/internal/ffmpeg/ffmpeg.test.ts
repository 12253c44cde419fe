import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, sharedMedia } from '../../../../../testing/shared.js';
import { PIPELINE_ERROR_CODES } from '../errors.js';
import { decoderArgs } from './decoder.js';
import { FrameReader } from './frame-reader.js';
import { StreamHeaderParser } from './header.js';
import { inputArgs } from './input-args.js';
import { locateFfmpeg } from './locate.js';
import { parseProbeJson, parseRate, probeVideo } from './probe.js';
import { redactText } from './redact.js';

describe('redactText', () => {
  it.each([
    ['rtsp://admin:s3cret@10.0.0.2:554/live', 'rtsp://***@10.0.0.2:554/live'],
    ['rtsp://user@cam/x', 'rtsp://***@cam/x'],
    ['open rtsps://a:b@h/p failed; retry http://u:p@x', 'open rtsps://***@h/p failed; retry http://***@x'],
    ['https://h/s.m3u8?token=abc&q=1', 'https://h/s.m3u8?token=***&q=1'],
    ['rtsp://host/path/with@sign', 'rtsp://host/path/with@sign'],
    ['/plain/file.mp4', '/plain/file.mp4'],
  ])('%s', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe('StreamHeaderParser', () => {
  it('reads input fps and output size from an ffmpeg banner', () => {
    const p = new StreamHeaderParser();
    const lines = [
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':",
      '  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 426x240 [SAR 1:1 DAR 71:40], 196 kb/s, 29.97 fps, 30 tbr, 15360 tbn (default)',
      'Stream mapping:',
      "Output #0, rawvideo, to 'pipe:1':",
    ];
    for (const l of lines) expect(p.push(l)).toBeUndefined();
    const header = p.push(
      '  Stream #0:0(und): Video: rawvideo (RGB[24] / 0x18424752), rgb24(pc, gbr/unknown/unknown, progressive), 64x48 [SAR 1:1 DAR 4:3], q=2-31, 2211 kb/s, 29.97 fps, 30 tbn (default)',
    );
    expect(header).toEqual({
      inputWidth: 426,
      inputHeight: 240,
      inputFps: 29.97,
      outputWidth: 64,
      outputHeight: 48,
    });
  });
});

describe('frame rates in camera banners', () => {
  it.each([
    ['1920x1080, 25 fps, 25 tbr, 90k tbn', 25],
    ['1920x1080, 90k tbr, 90k tbn', 0], // an RTP clock, not a frame rate
    ['1920x1080, 15 tbr, 90k tbn', 15],
    ['1920x1080, 1k tbr, 1k tbn', 0],
  ])('%s -> %d fps', (tail, fps) => {
    const p = new StreamHeaderParser();
    p.push("Input #0, rtsp, from 'rtsp://cam':");
    p.push(`  Stream #0:0: Video: h264 (Main), yuv420p(progressive), ${tail}`);
    p.push("Output #0, rawvideo, to 'pipe:1':");
    const header = p.push(
      '  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24, 1920x1080, q=2-31, 25 fps, 25 tbn',
    );
    expect(header?.inputFps).toBe(fps);
  });
});

describe('probe parsing', () => {
  it('parses rates and ffprobe JSON', () => {
    expect(parseRate('30000/1001')).toBeCloseTo(29.97, 2);
    expect(parseRate('0/0')).toBe(0);
    expect(parseRate(undefined)).toBe(0);
    expect(
      parseProbeJson({
        streams: [
          {
            codec_type: 'video',
            width: 10,
            height: 20,
            avg_frame_rate: '0/0',
            r_frame_rate: '25/1',
            duration: '2.0',
          },
        ],
      }),
    ).toEqual({ width: 10, height: 20, fps: 25, durationSec: 2, totalFrames: 50 });
    expect(parseProbeJson({ streams: [{ codec_type: 'audio' }] })).toBeUndefined();
  });

  it.skipIf(!HAS_SHARED)('probes a real file with ffprobe', async () => {
    const { ffprobe } = await locateFfmpeg();
    expect(ffprobe).toBeDefined();
    const p = await probeVideo(ffprobe!, sharedMedia('example_video.mp4'));
    expect(p).toMatchObject({ width: 426, height: 240, fps: 30, totalFrames: 431 });
    await expect(probeVideo(ffprobe!, sharedMedia('coco.names'))).rejects.toMatchObject({
      code: 'PIPE_ERR_PROBE_FAILED',
    });
  });
});

describe('locateFfmpeg', () => {
  it('explains how to get ffmpeg when none is found', async () => {
    const err = await locateFfmpeg({ env: { PATH: '/nonexistent' }, allowNpmFallback: false }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'PIPE_ERR_FFMPEG_NOT_FOUND' });
    expect(err.message).toContain('apt-get install ffmpeg');
    await expect(locateFfmpeg({ ffmpegPath: '/nonexistent/ffmpeg' })).rejects.toMatchObject({
      code: 'PIPE_ERR_FFMPEG_NOT_FOUND',
    });
  });

  it('honours FFMPEG_PATH over PATH', async () => {
    const system = await locateFfmpeg();
    const found = await locateFfmpeg({ env: { FFMPEG_PATH: system.ffmpeg, PATH: '/nonexistent' } });
    expect(found).toMatchObject({ ffmpeg: system.ffmpeg, origin: 'env' });
    expect(found.majorVersion).toBeGreaterThan(0);
  });
});

describe('decoder and input flags', () => {
  it('never paces files with -re and passes every frame through', () => {
    const args = decoderArgs({
      ffmpegPath: 'ffmpeg',
      majorVersion: 5,
      input: 'a.mp4',
      size: { width: 8, height: 4 },
    });
    expect(args).not.toContain('-re');
    expect(args).not.toContain('-threads');
    const one = decoderArgs({ ffmpegPath: 'ffmpeg', majorVersion: 5, input: 'a.mp4', threads: 1 });
    expect(one.join(' ')).toContain('-threads 1 -i a.mp4');
    expect(args.join(' ')).toContain('-vf scale=8:4 -fps_mode passthrough -pix_fmt rgb24 -f rawvideo pipe:1');
    expect(inputArgs('file', { majorVersion: 5 })).toEqual([]);
    expect(inputArgs('rtsp', { majorVersion: 5, rtspTransport: 'udp', ioTimeoutMs: 3000 })).toEqual([
      '-rtsp_transport',
      'udp',
      '-timeout',
      '3000000',
    ]);
    expect(inputArgs('rtsp', { majorVersion: 4 })).toContain('-stimeout');
    expect(inputArgs('webcam', { majorVersion: 5, webcam: { width: 640, height: 480, fps: 30 } })).toEqual([
      '-f',
      'v4l2',
      '-framerate',
      '30',
      '-video_size',
      '640x480',
    ]);
  });
});

describe('FrameReader', () => {
  it('splits and joins chunks into exact frames and drops a trailing partial frame', async () => {
    const stream = new PassThrough();
    const reader = new FrameReader(stream, 4);
    stream.write(Buffer.from([1, 2, 3])); // partial
    stream.write(Buffer.from([4, 5, 6, 7, 8, 9, 10, 11, 12, 13])); // completes 1, holds 2, starts 3
    stream.end(Buffer.from([14]));
    const frames: number[][] = [];
    for (let f = await reader.read(); f; f = await reader.read()) frames.push(Array.from(f));
    expect(frames).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
  });
});

describe('error table', () => {
  it('has prefixed codes with a status and a summary', () => {
    for (const [code, entry] of Object.entries(PIPELINE_ERROR_CODES)) {
      expect(code).toMatch(/^PIPE_ERR_[A-Z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.summary.length).toBeGreaterThan(10);
    }
  });
});
