import type { RgbImage } from '@inference-ts/core';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, sharedMedia } from '../../../../../testing/shared.js';
import type { VideoFrame } from '../types.js';
import { multiplexSources } from './multiplex.js';
import { VideoSource } from './video-source.js';

const pixel: RgbImage = { data: new Uint8Array(3), width: 1, height: 1 };

describe('multiplexSources', () => {
  it.skipIf(!HAS_SHARED)('yields batches aligned to source order until every file ended', async () => {
    const a = await VideoSource.create(sharedMedia('test_video.mp4'), { sourceId: 0 });
    const b = await VideoSource.create(sharedMedia('example_video.mp4'), {
      sourceId: 1,
      size: { width: 32, height: 32 },
    });
    const batches: (VideoFrame | null)[][] = [];
    for await (const batch of multiplexSources([a, b])) batches.push(batch);
    expect(batches.every((batch) => batch.length === 2)).toBe(true);
    // Without a timeout every running source contributes: the 10 first batches hold both.
    expect(batches.slice(0, 10).every((batch) => batch[0]?.sourceId === 0 && batch[1]?.sourceId === 1)).toBe(
      true,
    );
    expect(batches.slice(0, 10).map((batch) => [batch[0]!.frameId, batch[1]!.frameId])).toEqual(
      Array.from({ length: 10 }, (_, i) => [i + 1, i + 1]),
    );
    // After the short file ended, its slot is null and the long file goes on to its end.
    expect(batches.length).toBe(431);
    expect(batches.slice(10).every((batch) => batch[0] === null && batch[1] !== null)).toBe(true);
    await Promise.all([a.terminate(), b.terminate()]);
  });

  it('leaves a slow source out of a batch after the timeout, without losing its frame', async () => {
    const fast = await VideoSource.create(() => pixel, { sourceId: 0 });
    let slowCount = 0;
    const slow = await VideoSource.create(
      async () => {
        if (slowCount === 1) await new Promise((r) => setTimeout(r, 300));
        return slowCount < 3 ? { ...pixel, data: new Uint8Array([slowCount++, 0, 0]) } : null;
      },
      { sourceId: 1 },
    );
    const batches: (VideoFrame | null)[][] = [];
    for await (const batch of multiplexSources([fast, slow], { batchCollectionTimeoutMs: 20 })) {
      batches.push(batch);
      if (batches.length >= 6 && batches.some((b) => b[1]?.image.data[0] === 2)) break;
    }
    const slowFrames = batches.flatMap((b) => (b[1] ? [b[1].image.data[0]] : []));
    expect(slowFrames).toEqual([0, 1, 2]); // every slow frame arrives, in order
    expect(batches.some((b) => b[0] !== null && b[1] === null)).toBe(true); // rounds closed without it
    expect(batches.every((b) => b[0] === null || b[0].sourceId === 0)).toBe(true);
    await Promise.all([fast.terminate(), slow.terminate()]);
  });
});
