import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { config, detection, image, waitFor } from '../../test/helpers.js';
import { ActiveLearning } from './active-learning.js';
import type { ActiveLearningTarget } from './targets/types.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'al-submit-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('submit (the request-path entry)', () => {
  it('returns at once; image and prediction functions run later, only when needed', async () => {
    const al = await ActiveLearning.open({ dir: tmp(), target: `dir:${tmp()}`, config: config() });
    let predictionCalls = 0;
    let imageCalls = 0;
    expect(
      al.submit({
        image: () => {
          imageCalls++;
          return image(1);
        },
        prediction: () => {
          predictionCalls++;
          return detection();
        },
        predictionType: 'object-detection',
        modelId: 'm/1',
      }),
    ).toBe(true);
    expect([predictionCalls, imageCalls]).toEqual([0, 0]);
    await al.idle();
    expect([predictionCalls, imageCalls]).toEqual([1, 1]);
    expect(al.counters.accepted).toBe(1);
    // not sampled: the image is never produced
    const none = await ActiveLearning.open({
      dir: tmp(),
      target: `dir:${tmp()}`,
      config: config({ sampling_strategies: [{ name: 'no', type: 'random', traffic_percentage: 0 }] }),
    });
    none.submit({
      image: () => {
        imageCalls++;
        return image(2);
      },
      prediction: detection(),
      predictionType: 'object-detection',
      modelId: 'm/1',
    });
    await none.idle();
    expect(imageCalls).toBe(1);
    await al.close();
    await none.close();
  });

  it('refuses (and counts) beyond the queue capacity or byte bound', async () => {
    const al = await ActiveLearning.open({
      dir: tmp(),
      target: `dir:${tmp()}`,
      config: config(),
      queueCapacity: 2,
      queueMaxBytes: 64 * 48 * 3 * 10,
    });
    const dp = (seed: number) => ({
      image: image(seed),
      prediction: detection(),
      predictionType: 'object-detection' as const,
      modelId: 'm/1',
    });
    expect([al.submit(dp(1)), al.submit(dp(2)), al.submit(dp(3))]).toEqual([true, true, false]);
    expect(al.counters.refused).toBe(1);
    await al.idle();
    expect(al.submit({ ...dp(4), image: () => image(4), sizeHint: 1e9 })).toBe(false);
    expect(al.counters.refused).toBe(2);
    await al.close();
    expect(al.submit(dp(5))).toBe(false);
  });

  it('waits while the host is busy, unless its queue is half full, and drains at close', async () => {
    let busy = true;
    const al = await ActiveLearning.open({
      dir: tmp(),
      target: `dir:${tmp()}`,
      config: config(),
      queueCapacity: 8,
      busy: () => busy,
    });
    let produced = 0;
    const dp = (seed: number) => ({
      image: () => {
        produced++;
        return image(seed);
      },
      prediction: detection(),
      predictionType: 'object-detection' as const,
      modelId: 'm/1',
    });
    for (let i = 1; i <= 3; i++) al.submit(dp(i));
    // give the deferred worker several polls: nothing may be produced while busy
    for (let i = 0; i < 6; i++) await new Promise((r) => setTimeout(r, 30));
    expect(produced).toBe(0);
    // a half-full queue (4 of 8) is worked through even while busy, down to under half
    al.submit(dp(4));
    await waitFor(() => produced === 1, 5000, 'one registered from a half-full queue');
    busy = false;
    await al.idle();
    expect(produced).toBe(4);
    expect(al.counters.accepted).toBe(4);
    // close drains whatever waits, busy or not
    busy = true;
    al.submit(dp(5));
    await al.close();
    expect(produced).toBe(5);
  });
});

describe('close', () => {
  it('is bounded even while a target hangs; the item stays in the outbox', async () => {
    const state = tmp();
    const hang: ActiveLearningTarget = { name: 'hang', deliver: () => new Promise(() => undefined) };
    let attempted = false;
    const al = await ActiveLearning.open({
      dir: state,
      target: `dir:${tmp()}`,
      config: config(),
      targetFor: () => {
        attempted = true;
        return hang;
      },
      delivery: { stopTimeoutMs: 200 },
    });
    expect(
      await al.register({
        image: image(9),
        prediction: detection(),
        predictionType: 'object-detection',
        modelId: 'm/1',
      }),
    ).toBe('accepted');
    await waitFor(() => attempted, 5000, 'an attempt');
    const t0 = Date.now();
    await al.close();
    expect(Date.now() - t0).toBeLessThan(5000);
    // (another process would free this pid's lease at once once it has exited: see sigkill.test.ts)
    const again = await ActiveLearning.open({
      dir: state,
      target: `dir:${tmp()}`,
      config: config(),
      delivery: { autoStart: false },
    });
    expect(again.status().outbox.pending).toBe(1);
    await again.close();
  });
});
