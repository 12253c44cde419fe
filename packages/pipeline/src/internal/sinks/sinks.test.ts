import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Detections, ObjectDetectionResult, zeroTimings } from '@inference-ts/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { VideoFrame } from '../types.js';
import { callbackSink } from './callback.js';
import { jsonlSink } from './jsonl.js';
import { memorySink } from './memory.js';
import { multiSink } from './multi.js';
import { udpSink } from './udp.js';

const dir = mkdtempSync(join(tmpdir(), 'pipe-sinks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function frame(sourceId: number, frameId: number, w = 4, h = 2): VideoFrame {
  return {
    image: { data: new Uint8Array(w * h * 3).fill(7), width: w, height: h },
    frameId,
    frameTimestamp: Date.UTC(2024, 0, 1, 0, 0, frameId),
    sourceId,
    fps: 30,
    decodedAt: performance.now(),
  };
}

function result(n: number): ObjectDetectionResult {
  const d = new Detections({
    xyxy: Float32Array.from({ length: n * 4 }, (_, i) => 10 + i),
    confidence: new Float32Array(n).fill(0.5),
    classId: new Int32Array(n),
  });
  return new ObjectDetectionResult({
    inferenceId: `inf-${n}`,
    image: { width: 4, height: 2 },
    detections: d,
    classNames: ['cat'],
    timings: zeroTimings(),
  });
}

describe('callbackSink', () => {
  it('calls once per present frame, in source order', async () => {
    const seen: string[] = [];
    const sink = callbackSink<string>((p, f) => {
      seen.push(`${f.sourceId}:${p}`);
    });
    await sink(['a', null, 'c'], [frame(0, 1), null, frame(2, 1)]);
    expect(seen).toEqual(['0:a', '2:c']);
  });
});

describe('jsonlSink', () => {
  it('writes one line per frame with source, frame id, timestamp and predictions', async () => {
    const path = join(dir, 'out.jsonl');
    const sink = jsonlSink(path);
    await sink([result(1), result(2)], [frame(0, 1), frame(1, 1)]);
    await sink([null, { custom: new Float32Array([1.5]) }], [null, frame(1, 2)]);
    await sink.close();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      source_id: 0,
      frame_id: 1,
      frame_timestamp: '2024-01-01T00:00:01.000Z',
    });
    expect(lines[0].predictions.inference_id).toBe('inf-1');
    expect(lines[1].predictions.predictions).toHaveLength(2);
    expect(lines[2]).toMatchObject({ source_id: 1, frame_id: 2, predictions: { custom: [1.5] } });
    await expect(sink([result(1)], [frame(0, 3)])).rejects.toMatchObject({ code: 'PIPE_ERR_SINK_CLOSED' });
  });
});

describe('udpSink', () => {
  it('sends JSON datagrams with inference_metadata to a real socket', async () => {
    const server = createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    const { port } = server.address();
    const received: Record<string, unknown>[] = [];
    const got2 = new Promise<void>((resolve) =>
      server.on('message', (m) => {
        received.push(JSON.parse(m.toString()));
        if (received.length === 2) resolve();
      }),
    );
    const sink = udpSink('127.0.0.1', port);
    const p = result(1);
    const before = Date.now();
    await sink([p, ['plain']], [frame(0, 5), frame(1, 9)]);
    await got2;
    await sink.close();
    server.close();
    received.sort(
      (a, b) =>
        (a.inference_metadata as { source_id: number }).source_id -
        (b.inference_metadata as { source_id: number }).source_id,
    );
    const [a, b] = received as {
      inference_metadata: Record<string, unknown>;
      predictions: unknown;
      inference_id?: string;
    }[];
    expect(a.inference_id).toBe('inf-1');
    expect(a.predictions).toHaveLength(1);
    expect(a.inference_metadata).toMatchObject({
      source_id: 0,
      frame_id: 5,
      frame_decoding_time: '2024-01-01T00:00:05.000Z',
    });
    expect(Date.parse(a.inference_metadata.emission_time as string)).toBeGreaterThanOrEqual(before - 1);
    expect(b).toMatchObject({ predictions: ['plain'], inference_metadata: { source_id: 1, frame_id: 9 } });
    // the prediction itself was not modified
    expect(Object.keys(p.toJSON())).not.toContain('inference_metadata');
  });

  it('refuses payloads larger than one datagram', async () => {
    const sink = udpSink('127.0.0.1', 9);
    await expect(sink([{ big: 'x'.repeat(70_000) }], [frame(0, 1)])).rejects.toMatchObject({
      code: 'PIPE_ERR_SINK_PAYLOAD_TOO_LARGE',
    });
    await sink.close();
  });
});

describe('memorySink', () => {
  it('keeps at most `size` batches, evicting the oldest, FIFO consumption', async () => {
    const sink = memorySink<number>({ size: 3 });
    for (let k = 1; k <= 5; k++) await sink([k], [frame(0, k)]);
    expect(sink.length).toBe(3);
    expect(sink.evicted).toBe(2);
    const first = sink.consume();
    expect(first?.predictions).toEqual([3]);
    expect(first?.frames[0]?.frameId).toBe(3);
    expect(first?.frames[0]?.image.data.length).toBe(0); // pixels dropped by default
    expect(sink.consume()?.predictions).toEqual([4]);
    expect(sink.consume()?.predictions).toEqual([5]);
    expect(sink.consume()).toBeUndefined();
    const withImages = memorySink<number>({ size: 1, keepImages: true });
    await withImages([1], [frame(0, 1)]);
    expect(withImages.consume()?.frames[0]?.image.data.length).toBe(24);
    expect(() => memorySink({ size: 0 })).toThrow(/positive integer/);
  });
});

describe('multiSink', () => {
  it('runs every sink even when one throws, and reports the failure', async () => {
    const calls: string[] = [];
    const errors: [string, number][] = [];
    const sink = multiSink<number>(
      [
        () => {
          calls.push('a');
        },
        () => {
          throw new Error('boom');
        },
        async () => {
          calls.push('c');
        },
        async () => Promise.reject(new Error('late boom')),
      ],
      { onError: (e, i) => errors.push([(e as Error).message, i]) },
    );
    await sink([1], [frame(0, 1)]);
    expect(calls).toEqual(['a', 'c']);
    expect(errors).toEqual([
      ['boom', 1],
      ['late boom', 3],
    ]);
  });

  it('without onError throws one PIPE_ERR_SINK_FAILED after all ran, and closes all', async () => {
    let closed = 0;
    const ok = Object.assign(() => {}, { close: async () => void closed++ });
    const bad = Object.assign(
      () => {
        throw new Error('x');
      },
      { close: async () => Promise.reject(new Error('close failed')) },
    );
    const sink = multiSink([bad, ok]);
    await expect(sink([1], [frame(0, 1)])).rejects.toMatchObject({
      code: 'PIPE_ERR_SINK_FAILED',
      details: { failedSinks: [0] },
    });
    await expect(sink.close()).rejects.toMatchObject({ code: 'PIPE_ERR_SINK_FAILED' });
    expect(closed).toBe(1);
  });
});
