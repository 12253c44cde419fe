import { describe, expect, it } from 'vitest';
import type { VideoFrame } from '../types.js';
import { FrameBuffer } from './frame-buffer.js';
import { RateGate } from './pace.js';

const frame = (frameId: number): VideoFrame => ({
  image: { data: new Uint8Array(3), width: 1, height: 1 },
  frameId,
  frameTimestamp: 0,
  sourceId: 0,
  fps: 0,
  decodedAt: 0,
});

describe('FrameBuffer', () => {
  it.each([
    ['DROP_OLDEST', [1, 2], 0],
    ['DROP_LATEST', [0, 1], 2],
    ['ADAPTIVE_DROP_OLDEST', [1, 2], 0],
    ['ADAPTIVE_DROP_LATEST', [0, 1], 2],
  ] as const)('%s keeps %j and drops frame %i when full', async (strategy, kept, droppedId) => {
    const buffer = new FrameBuffer(2);
    expect(buffer.offer(frame(0), strategy).dropped).toBeUndefined();
    buffer.offer(frame(1), strategy);
    expect(buffer.offer(frame(2), strategy).dropped?.frameId).toBe(droppedId);
    buffer.end();
    const ids: number[] = [];
    for (let f = await buffer.take('LAZY', () => {}); f; f = await buffer.take('LAZY', () => {}))
      ids.push(f.frameId);
    expect(ids).toEqual(kept);
  });

  it('EAGER takes the newest and reports the skipped; a waiting taker gets the next frame directly', async () => {
    const buffer = new FrameBuffer(4);
    for (let i = 0; i < 3; i++) buffer.offer(frame(i), 'WAIT');
    const skipped: number[] = [];
    expect((await buffer.take('EAGER', (f) => skipped.push(f.frameId)))?.frameId).toBe(2);
    expect(skipped).toEqual([0, 1]);
    const waiting = buffer.take('LAZY', () => {});
    buffer.offer(frame(3), 'WAIT');
    expect((await waiting)?.frameId).toBe(3);
  });

  it('whenSpace resolves once a frame is taken', async () => {
    const buffer = new FrameBuffer(1);
    buffer.offer(frame(0), 'WAIT');
    let space = false;
    const p = buffer.whenSpace().then(() => (space = true));
    await Promise.resolve();
    expect(space).toBe(false);
    await buffer.take('LAZY', () => {});
    await p;
    expect(space).toBe(true);
  });
});

describe('RateGate', () => {
  it('accepts every other frame of a 30 fps clock at maxFps 15', () => {
    const gate = new RateGate(15);
    const accepted = Array.from({ length: 30 }, (_, i) => gate.accept(i * (1000 / 30))).filter(
      Boolean,
    ).length;
    expect(accepted).toBe(15);
  });
});
