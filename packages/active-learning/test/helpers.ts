// Shared by this package's tests (not exported).
import type { RgbImage } from '@inference-ts/core';
import type { WirePrediction } from '../src/internal/prediction.js';

/** Polls until `cond` holds (tests wait on state, not on time). */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A small image whose pixels (and so JPEG bytes) differ per seed. */
export function image(seed: number, width = 64, height = 48): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * (seed + 3) + seed * 97) % 256;
  return { data, width, height };
}

export const detection = (width = 64, height = 48): WirePrediction => ({
  image: { width, height },
  predictions: [
    { x: 20, y: 20, width: 10, height: 8, confidence: 0.9, class: 'dog', class_id: 0 },
    {
      x: 40,
      y: 30,
      width: 12,
      height: 10,
      confidence: 0.6,
      class: 'cat',
      class_id: 1,
      points: [
        { x: 34, y: 25 },
        { x: 46, y: 25 },
        { x: 46, y: 35 },
      ],
    },
  ],
});

export const config = (extra: Record<string, unknown> = {}) => ({
  enabled: true,
  persist_predictions: true,
  sampling_strategies: [{ name: 'all', type: 'random', traffic_percentage: 1, tags: ['strat'] }],
  batching_strategy: { batches_name_prefix: 'al', recreation_interval: 'never' },
  tags: ['cfg'],
  ...extra,
});
