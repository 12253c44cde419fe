import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeRoboflow, startFakeRoboflow } from '../../../../testing/fake-roboflow.js';
import { config, detection, image, waitFor } from '../../test/helpers.js';
import { ActiveLearning, type ActiveLearningOptions } from './active-learning.js';
import type { CocoFile } from './targets/coco.js';
import { RoboflowTarget } from './targets/roboflow.js';

const fast = { baseDelayMs: 20, maxDelayMs: 100, pollMs: 50 };
const tmp = () => mkdtempSync(join(tmpdir(), 'al-delivery-'));

let rf: FakeRoboflow;
const open: ActiveLearning[] = [];
const dirs: string[] = [];
async function openAl(o: Partial<ActiveLearningOptions>): Promise<ActiveLearning> {
  const dir = tmp();
  dirs.push(dir);
  const al = await ActiveLearning.open({ dir, delivery: fast, ...o });
  open.push(al);
  return al;
}

beforeAll(async () => {
  rf = await startFakeRoboflow({
    models: {},
    activeLearning: {
      workspace: 'ws',
      projects: {
        coco: { type: 'object-detection', config: config() },
        cls: { type: 'classification', config: config() },
        off: { type: 'object-detection', config: { enabled: false } },
      },
    },
  });
});
afterEach(async () => {
  for (const al of open.splice(0)) await al.close();
  rf.al.down = false;
  rf.al.uploadDelayMs = 0;
  rf.al.onUpload = undefined;
});
afterAll(async () => {
  await rf.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const dp = (seed: number, extra: Record<string, unknown> = {}) => ({
  image: image(seed),
  prediction: detection(),
  predictionType: 'object-detection' as const,
  modelId: 'coco/3',
  apiKey: rf.apiKey,
  ...extra,
});

describe('Roboflow target (fake API, real wire)', () => {
  it('fetches the config from the API once per 15 minutes', async () => {
    let now = Date.UTC(2026, 0, 5, 12);
    const al = await openAl({ apiUrl: rf.url, now: () => now });
    const before = rf.requests['/ws/coco/active_learning'] ?? 0;
    expect(await al.register(dp(1))).toBe('accepted');
    expect(await al.register(dp(2))).toBe('accepted');
    expect(rf.requests['/ws/coco/active_learning']).toBe(before + 1);
    now += 15 * 60_000 + 1;
    expect(await al.register(dp(3))).toBe('accepted');
    expect(rf.requests['/ws/coco/active_learning']).toBe(before + 2);
    await al.flush();
  });

  it('a disabled or missing config, a task-type mismatch, or no api key register nothing', async () => {
    const al = await openAl({ apiUrl: rf.url });
    expect(await al.register(dp(1, { modelId: 'off/1' }))).toBe('disabled');
    expect(await al.register(dp(1, { modelId: 'nothere/1' }))).toBe('disabled');
    expect(await al.register(dp(1, { modelId: 'cls/1' }))).toBe('disabled');
    expect(await al.register(dp(1, { apiKey: undefined }))).toBe('disabled');
    expect(await al.register(dp(1, { apiKey: 'wrong' }))).toBe('disabled');
  });

  it('target down for a while, then back: every datapoint delivered exactly once, annotated once', async () => {
    rf.al.down = true;
    const uploadsBefore = rf.al.uploads.length;
    const al = await openAl({ apiUrl: rf.url, tags: ['env'] });
    const n = 6;
    for (let i = 0; i < n; i++)
      expect(await al.register(dp(100 + i, { inferenceId: `req-${i}` }))).toBe('accepted');
    await waitFor(() => al.counters.failed >= 2 * n, 20_000, 'failed attempts while down');
    expect(al.status().outbox.pending).toBe(n);
    expect(al.status().lastErrors[0].message).toMatch(/503/);
    rf.al.down = false;
    await waitFor(() => al.status().outbox.pending === 0, 20_000, 'outbox drained');
    const mine = rf.al.uploads.slice(uploadsBefore);
    expect(mine).toHaveLength(n);
    expect(new Set(mine.map((u) => u.sha256)).size).toBe(n);
    expect(rf.al.annotations.filter((a) => mine.some((u) => u.id === a.imageId))).toHaveLength(n);
    const u = mine.find((x) => x.inferenceId === 'req-0');
    expect(u).toMatchObject({ dataset: 'coco', batch: 'al', tags: ['env', 'cfg', 'strat', 'coco-3'] });
    expect(u?.name).toMatch(/^[0-9a-f]{32}\.jpg$/);
    const ann = rf.al.annotations.find((a) => a.imageId === u?.id);
    expect(ann?.prediction).toBe(true);
    expect(ann?.name).toBe(u?.name.replace('.jpg', '.json'));
    expect(JSON.parse(ann?.body ?? '{}').predictions).toHaveLength(2);
    expect(al.counters).toMatchObject({ accepted: n, delivered: n, duplicates: 0 });
    expect(al.counters.retried).toBeGreaterThanOrEqual(n);
    expect(al.status().outbox.bytes).toBe(0);
  });

  it('a genuine duplicate gets no annotation and its credit back', async () => {
    const al = await openAl({
      apiUrl: rf.url,
      config: config({
        sampling_strategies: [
          { name: 'once', type: 'random', traffic_percentage: 1, limits: [{ type: 'daily', value: 1 }] },
        ],
        target_workspace: 'ws',
        target_project: 'coco',
      }),
      apiKey: rf.apiKey,
    });
    const annotationsBefore = rf.al.annotations.length;
    expect(await al.register(dp(500))).toBe('accepted');
    await al.flush();
    expect(await al.register(dp(501))).toBe('limited');
    // someone else already uploaded this image: the fake answers duplicate
    const other = await openAl({ apiUrl: rf.url, config: config(), apiKey: rf.apiKey });
    expect(await other.register(dp(502))).toBe('accepted');
    await other.flush();
    const annotationsMid = rf.al.annotations.length;
    // a fresh state (new limits) registers the image someone else uploaded already
    const al2 = await openAl({
      apiUrl: rf.url,
      config: config({
        sampling_strategies: [
          { name: 'once', type: 'random', traffic_percentage: 1, limits: [{ type: 'daily', value: 1 }] },
        ],
      }),
      apiKey: rf.apiKey,
    });
    expect(await al2.register(dp(502))).toBe('accepted');
    expect(al2.status().usage.find((u) => u.window === 'daily')?.usage).toBe(1);
    await al2.flush();
    expect(al2.counters.duplicates).toBe(1);
    expect(rf.al.annotations.length).toBe(annotationsMid);
    expect(al2.status().usage.find((u) => u.window === 'daily')?.usage ?? 0).toBe(0);
    expect(annotationsMid).toBe(annotationsBefore + 2);
  });

  it('an attempt cut short after the upload is finished by the retry (duplicate + id -> annotate; 409 is done)', async () => {
    const al = await openAl({
      apiUrl: rf.url,
      targetFor: (spec) => (spec === 'roboflow' ? new RoboflowTarget({ timeoutMs: 150 }) : undefined),
    });
    rf.al.uploadDelayMs = 1000;
    let uploaded: string | undefined;
    rf.al.onUpload = (u) => {
      uploaded = u.id;
      // the earlier attempt even got its annotation in: the retry's annotate answers 409
      rf.al.annotations.push({
        dataset: u.dataset,
        imageId: u.id,
        name: 'x.json',
        prediction: true,
        body: '{}',
      });
      rf.al.onUpload = undefined;
    };
    const before = rf.al.uploads.length;
    expect(await al.register(dp(700))).toBe('accepted');
    await waitFor(() => al.counters.failed >= 1, 10_000, 'the timed-out attempt');
    rf.al.uploadDelayMs = 0;
    await waitFor(() => al.status().outbox.pending === 0, 10_000, 'delivery');
    expect(rf.al.uploads.length).toBe(before + 1);
    expect(rf.al.annotations.filter((a) => a.imageId === uploaded)).toHaveLength(1);
    expect(al.counters).toMatchObject({ delivered: 1, duplicates: 0 });
    expect(rf.al.uploadRequests).toBeGreaterThanOrEqual(2);
  });

  it('stubs are uploaded without annotation (random strategy collects before a model exists)', async () => {
    const al = await openAl({ apiUrl: rf.url });
    const before = rf.al.annotations.length;
    const up = rf.al.uploads.length;
    expect(
      await al.register({
        ...dp(800),
        modelId: 'coco/0',
        prediction: { is_stub: true, model_id: 'coco/0', task_type: 'object-detection' },
      }),
    ).toBe('accepted');
    await al.flush();
    expect(rf.al.uploads.length).toBe(up + 1);
    expect(rf.al.annotations.length).toBe(before);
  });

  it('classification annotations go as txt; multi-label images go without annotation (warning kept)', async () => {
    const al = await openAl({ apiUrl: rf.url });
    const cls = { ...dp(900), modelId: 'cls/2', predictionType: 'classification' as const };
    expect(
      await al.register({
        ...cls,
        prediction: { top: 'cat', confidence: 0.8, predictions: [{ class: 'cat', confidence: 0.8 }] },
      }),
    ).toBe('accepted');
    expect(
      await al.register({
        ...cls,
        image: image(901),
        prediction: { predictions: { a: { confidence: 0.9 } }, predicted_classes: ['a'] },
      }),
    ).toBe('accepted');
    await al.flush();
    const txt = rf.al.annotations.at(-1);
    expect(txt?.name).toMatch(/\.txt$/);
    expect(txt?.body).toBe('cat');
    expect(al.status().lastErrors[0].message).toMatch(/Multi-label/);
    expect(al.status().outbox.pending).toBe(0);
  });
});

describe('folder target (COCO)', () => {
  it('target down (path blocked) then back: each datapoint once in the folder, COCO valid', async () => {
    const root = tmp();
    dirs.push(root);
    writeFileSync(join(root, 'blocker'), 'not a folder');
    const al = await openAl({ target: `dir:${join(root, 'blocker', 'ds')}`, config: config() });
    const n = 5;
    for (let i = 0; i < n; i++)
      expect(await al.register(dp(200 + i, { apiKey: undefined }))).toBe('accepted');
    await waitFor(() => al.counters.failed >= n, 10_000, 'failed attempts');
    rmSync(join(root, 'blocker'));
    await waitFor(() => al.status().outbox.pending === 0, 10_000, 'drained');
    const batchDir = join(root, 'blocker', 'ds', 'coco', 'al');
    const coco = JSON.parse(readFileSync(join(batchDir, '_annotations.coco.json'), 'utf8')) as CocoFile;
    expect(coco.images).toHaveLength(n);
    expect(new Set(coco.images.map((i) => i.file_name)).size).toBe(n);
    expect(
      readdirSync(batchDir)
        .filter((f) => f.endsWith('.jpg'))
        .sort(),
    ).toEqual(coco.images.map((i) => i.file_name).sort());
    expect(readdirSync(batchDir).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect(coco.categories.map((c) => c.name)).toEqual(['dog', 'cat']);
    expect(coco.annotations).toHaveLength(2 * n);
    const a = coco.annotations[0];
    expect(a.bbox).toEqual([15, 16, 10, 8]);
    expect(coco.annotations[1].segmentation).toEqual([[34, 25, 46, 25, 46, 35]]);
    expect(coco.images[0].extra).toMatchObject({ strategy: 'all', model_id: 'coco/3' });
  });

  it('the same image twice is stored once (a duplicate)', async () => {
    const root = tmp();
    dirs.push(root);
    const al = await openAl({ target: `dir:${root}`, config: config() });
    expect(await al.register(dp(300))).toBe('accepted');
    expect(await al.register(dp(300))).toBe('accepted');
    await al.flush();
    const coco = JSON.parse(
      readFileSync(join(root, 'coco', 'al', '_annotations.coco.json'), 'utf8'),
    ) as CocoFile;
    expect(coco.images).toHaveLength(1);
    expect(al.counters).toMatchObject({ delivered: 2, duplicates: 1 });
  });

  it('max_image_size: the folder holds the downscaled image and the rescaled boxes', async () => {
    const root = tmp();
    dirs.push(root);
    const al = await openAl({ target: `dir:${root}`, config: config({ max_image_size: [24, 1000] }) });
    expect(await al.register(dp(310))).toBe('accepted');
    await al.flush();
    const coco = JSON.parse(
      readFileSync(join(root, 'coco', 'al', '_annotations.coco.json'), 'utf8'),
    ) as CocoFile;
    expect([coco.images[0].width, coco.images[0].height]).toEqual([32, 24]);
    expect(coco.annotations[0].bbox).toEqual([7.5, 8, 5, 4]);
  });

  it('the outbox bound refuses new datapoints (counted) and keeps every accepted one', async () => {
    const root = tmp();
    dirs.push(root);
    writeFileSync(join(root, 'blocker'), '');
    const al = await openAl({ target: `dir:${join(root, 'blocker')}`, config: config(), outboxMaxBytes: 1 });
    expect(await al.register(dp(400))).toBe('refused');
    expect(al.counters.refused).toBe(1);
    expect(al.status().usage.find((u) => u.window === 'daily')?.usage ?? 0).toBe(0);
    const al2 = await openAl({
      target: `dir:${join(root, 'blocker')}`,
      config: config(),
      outboxMaxBytes: 6000,
    });
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await al2.register(dp(410 + i)));
    const accepted = outcomes.filter((o) => o === 'accepted').length;
    expect(accepted).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o === 'refused').length).toBe(6 - accepted);
    expect(al2.counters.refused).toBe(6 - accepted);
    rmSync(join(root, 'blocker'));
    await waitFor(() => al2.status().outbox.pending === 0, 10_000, 'drained');
    const coco = JSON.parse(
      readFileSync(join(root, 'blocker', 'coco', 'al', '_annotations.coco.json'), 'utf8'),
    ) as CocoFile;
    expect(coco.images).toHaveLength(accepted);
  });

  it('max_batch_images caps a batch', async () => {
    const root = tmp();
    dirs.push(root);
    const al = await openAl({
      target: `dir:${root}`,
      config: config({
        batching_strategy: { batches_name_prefix: 'cap', recreation_interval: 'never', max_batch_images: 2 },
      }),
    });
    const out = [];
    for (let i = 0; i < 3; i++) out.push(await al.register(dp(600 + i)));
    expect(out).toEqual(['accepted', 'accepted', 'limited']);
  });

  it('survives a reopen: pending items are delivered by the next instance; export copies the outbox', async () => {
    const root = tmp();
    const state = tmp();
    dirs.push(root, state);
    writeFileSync(join(root, 'blocker'), '');
    const target = `dir:${join(root, 'blocker')}`;
    const a = await ActiveLearning.open({
      dir: state,
      target,
      config: config(),
      delivery: { ...fast, autoStart: false },
    });
    for (let i = 0; i < 3; i++) await a.register(dp(650 + i));
    const exported = join(root, 'export');
    expect(await a.export(exported)).toBe(3);
    expect(existsSync(join(exported, 'coco', 'al', '_annotations.coco.json'))).toBe(true);
    await a.close();
    rmSync(join(root, 'blocker'));
    const b = await openAl({ dir: state, target, config: config() });
    await waitFor(() => b.status().outbox.pending === 0, 10_000, 'drained after reopen');
    const coco = JSON.parse(
      readFileSync(join(root, 'blocker', 'coco', 'al', '_annotations.coco.json'), 'utf8'),
    ) as CocoFile;
    expect(coco.images).toHaveLength(3);
    expect(b.status().totals).toMatchObject({ accepted: 3, delivered: 3 });
  });
});
