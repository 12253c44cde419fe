import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActiveLearning } from '@inference-ts/active-learning';
import { afterAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia } from '../../../../../testing/shared.js';
import { InferencePipeline } from '../pipeline/inference-pipeline.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

const config = {
  enabled: true,
  persist_predictions: true,
  sampling_strategies: [{ name: 'every', type: 'random', traffic_percentage: 1 }],
  batching_strategy: { batches_name_prefix: 'video', recreation_interval: 'never' },
};

/** A custom-logic "model": one box per frame, in Roboflow's wire shape. */
const detector = (frames: readonly { image: { width: number; height: number } }[]) =>
  frames.map((f) => ({
    task: 'object-detection',
    toJSON: () => ({
      image: { width: f.image.width, height: f.image.height },
      predictions: [{ x: 50, y: 40, width: 20, height: 10, confidence: 0.9, class: 'thing', class_id: 0 }],
    }),
  }));

describe.skipIf(!HAS_SHARED)('InferencePipeline.init({ activeLearning })', () => {
  const root = mkdtempSync(join(tmpdir(), 'pipe-al-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('offers every frame; at the end the folder holds them in COCO, the outbox is empty', async () => {
    const state = join(root, 'state');
    const folder = join(root, 'dataset');
    const pipeline = await InferencePipeline.init({
      videoReference: sharedMedia('test_video.mp4'),
      onVideoFrame: detector,
      activeLearning: {
        activeLearning: { dir: state, target: `dir:${folder}`, config },
        modelId: 'clip/1',
      },
    });
    await pipeline.start();
    await pipeline.join();
    const al = await ActiveLearning.open({
      dir: state,
      target: `dir:${folder}`,
      config,
      delivery: { autoStart: false },
    });
    try {
      const s = al.status();
      expect(s.outbox.pending).toBe(0);
      expect(s.totals.sampled).toBe(10);
      expect(s.totals.accepted).toBe(10);
      const coco = JSON.parse(readFileSync(join(folder, 'clip', 'video', '_annotations.coco.json'), 'utf8'));
      // identical frames would be one image: every distinct frame is there once
      expect(coco.images.length + (s.totals.duplicates ?? 0)).toBe(10);
      expect(coco.images[0]).toMatchObject({ width: 640, height: 480 });
      expect(coco.annotations[0].bbox).toEqual([40, 35, 20, 10]);
    } finally {
      await al.close();
    }
  });
});
