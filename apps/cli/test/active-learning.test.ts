import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActiveLearning } from '@inference-ts/active-learning';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia, sharedModel } from '../../../testing/shared.js';
import { runCli } from './run-cli.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

const config = {
  enabled: true,
  persist_predictions: true,
  sampling_strategies: [
    { name: 'all', type: 'random', traffic_percentage: 1, limits: [{ type: 'daily', value: 100 }] },
  ],
  batching_strategy: { batches_name_prefix: 'cli', recreation_interval: 'never' },
};

const image = (seed: number) => {
  const data = new Uint8Array(32 * 24 * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * (seed + 5)) % 256;
  return { data, width: 32, height: 24 };
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-al-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('inference active-learning status | flush | export', () => {
  it('shows the outbox, flushes once the target is back, exports to a COCO folder', async () => {
    const state = join(root, 'state');
    const blocker = join(root, 'blocker');
    await writeFile(blocker, 'a file where the dataset folder should be: the target is down');
    const al = await ActiveLearning.open({
      dir: state,
      target: `dir:${blocker}`,
      config,
      delivery: { baseDelayMs: 10, pollMs: 20 },
    });
    for (let i = 0; i < 3; i++) {
      await al.register({
        image: image(i),
        prediction: { image: { width: 32, height: 24 }, predictions: [] },
        predictionType: 'object-detection',
        modelId: 'cams/2',
      });
    }
    await al.close();

    const status = await runCli(['active-learning', 'status', '--dir', state]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/outbox: 3 pending, 0 dead/);
    expect(status.stdout).toMatch(/usage: local\/cams all daily 3/);
    expect(status.stdout).toMatch(/error: .*ENOTDIR|error: .*not a directory/);
    const json = JSON.parse((await runCli(['active-learning', 'status', '--dir', state, '--json'])).stdout);
    expect(json.outbox.pending).toBe(3);

    const down = await runCli(['active-learning', 'flush', '--dir', state, '--timeout', '5000']);
    expect(down.code).toBe(2);
    expect(down.stdout).toMatch(/delivered 0, pending 3/);

    const exported = await runCli(['active-learning', 'export', join(root, 'copy'), '--dir', state]);
    expect(exported.stdout).toMatch(/exported 3 item/);
    const copy = JSON.parse(
      await readFile(join(root, 'copy', 'cams', 'cli', '_annotations.coco.json'), 'utf8'),
    );
    expect(copy.images).toHaveLength(3);

    await rm(blocker);
    const up = await runCli(['active-learning', 'flush', '--dir', state]);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/delivered 3, pending 0/);
    const coco = JSON.parse(await readFile(join(blocker, 'cams', 'cli', '_annotations.coco.json'), 'utf8'));
    expect(coco.images).toHaveLength(3);
    expect((await runCli(['active-learning', 'status', '--dir', state])).stdout).toMatch(/outbox: 0 pending/);
  });
});

describe.skipIf(!HAS_SHARED)('pipeline run --active-learning', () => {
  it('sends sampled frames with their detections to the folder target', async () => {
    const cfg = join(root, 'al.json');
    await writeFile(cfg, JSON.stringify(config));
    const folder = join(root, 'dataset');
    const r = await runCli(
      [
        'pipeline',
        'run',
        '-s',
        sharedMedia('test_video.mp4'),
        '-m',
        sharedModel('yolov8n_int8.onnx'),
        '--active-learning',
        cfg,
        '--active-learning-target',
        `dir:${folder}`,
      ],
      { ACTIVE_LEARNING_DIR: join(root, 'pipe-state') },
    );
    expect(r.code, r.stderr).toBe(0);
    const coco = JSON.parse(
      await readFile(join(folder, 'yolov8n_int8', 'cli', '_annotations.coco.json'), 'utf8'),
    );
    expect(coco.images.length).toBeGreaterThan(0);
    expect(coco.images[0]).toMatchObject({ width: 640, height: 480 });
    const s = JSON.parse(
      (await runCli(['active-learning', 'status', '--json', '--dir', join(root, 'pipe-state')])).stdout,
    );
    expect(s.totals.accepted).toBe(10);
    expect(s.outbox.pending).toBe(0);
  });
});
