import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FrameAnalytics } from '../analytics/frame-analytics.js';
import type { VideoFrame } from '../types.js';
import { jsonlSink } from './jsonl.js';
import { udpSink } from './udp.js';

const dir = mkdtempSync(join(tmpdir(), 'pipe-analytics-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const analytics: FrameAnalytics = {
  lines: [
    {
      name: 'gate',
      start: [5, 0],
      end: [5, 9],
      in: 2,
      out: 1,
      crossedIn: [7],
      crossedOut: [],
      inByClass: { car: 2 },
      outByClass: { car: 1 },
    },
  ],
  zones: [
    {
      name: 'lot',
      polygon: [
        [0, 0],
        [4, 0],
        [4, 4],
      ],
      count: 1,
      countByClass: { car: 1 },
      entered: [],
      left: [3],
      timeInZone: { '7': 1.5 },
    },
  ],
};

const expected = {
  lines: [{ name: 'gate', in: 2, out: 1, crossed_in: [7], crossed_out: [] }],
  zones: [
    { name: 'lot', count: 1, count_by_class: { car: 1 }, entered: [], left: [3], time_in_zone: { '7': 1.5 } },
  ],
};

function frame(withAnalytics: boolean): VideoFrame {
  return {
    image: { data: new Uint8Array(12), width: 2, height: 2 },
    frameId: 3,
    frameTimestamp: 0,
    sourceId: 0,
    fps: 30,
    decodedAt: 0,
    ...(withAnalytics ? { analytics } : {}),
  };
}

describe('analytics in JSON outputs', () => {
  it('jsonl lines carry the frame analytics in snake_case, and nothing without them', async () => {
    const path = join(dir, 'a.jsonl');
    const sink = jsonlSink(path);
    await sink([{ x: 1 }], [frame(true)]);
    await sink([{ x: 2 }], [frame(false)]);
    await sink.close();
    const [a, b] = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(a.analytics).toEqual(expected);
    expect(b).not.toHaveProperty('analytics');
  });

  it('UDP datagrams carry them too', async () => {
    const server = createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    const got = new Promise<Record<string, unknown>>((resolve) =>
      server.once('message', (m) => resolve(JSON.parse(m.toString()))),
    );
    const sink = udpSink('127.0.0.1', server.address().port);
    await sink([{ predictions: [] }], [frame(true)]);
    const message = await got;
    await sink.close();
    server.close();
    expect(message.analytics).toEqual(expected);
    expect(message).toHaveProperty('inference_metadata');
  });
});
