// The README's "your own code" example, run as written (with the shared yolov8n and photo).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceEngine, loadImage } from '@inference-ts/core';
import { afterAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../testing/shared.js';
import { ActiveLearning } from '../src/index.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

describe.skipIf(!HAS_SHARED)('README: your own code, a local config and a folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'al-readme-'));
  const engine = new InferenceEngine();
  afterAll(async () => {
    await engine.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  it('registers a real detection and the folder holds it in COCO', async () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const config = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)?.[1] ?? '{}');
    // sample everything for the test: the README's config with a 100 % random strategy first
    config.sampling_strategies.unshift({ name: 'all', type: 'random', traffic_percentage: 1 });
    writeFileSync(join(root, 'al.json'), JSON.stringify(config));
    const al = await ActiveLearning.open({
      dir: join(root, '.al-state'),
      configFile: join(root, 'al.json'),
      target: `dir:${join(root, 'dataset')}`,
    });
    const model = await engine.getModel(sharedModel('yolov8n_int8.onnx'));
    const image = await loadImage(sharedMedia('dog.jpg'));
    const result = await model.infer(image);
    expect(
      await al.register({
        image,
        prediction: result.toJSON() as never,
        predictionType: 'object-detection',
        modelId: 'coco/3',
      }),
    ).toBe('accepted');
    await al.flush();
    await al.close();
    const batch = readdirSync(join(root, 'dataset', 'coco'))[0];
    const coco = JSON.parse(
      readFileSync(join(root, 'dataset', 'coco', batch, '_annotations.coco.json'), 'utf8'),
    );
    expect(batch).toMatch(/^field_\d{4}_\d{2}_\d{2}$/);
    expect(coco.images[0].extra.tags).toEqual(['site-a', 'coco-3']);
    expect(coco.categories.map((c: { name: string }) => c.name)).toContain('dog');
  });
});
