/**
 * The scale-out on a real Redis: an HTTP front (in process, through inject)
 * and worker processes. w1 serves every test model, w2 only the classifier.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, modelFixtures, photoBase64, testAliases, testServer } from './helpers.js';
import { startRedis, startWorker, type TestRedis, type TestWorker, until } from './redis-helpers.js';

const img = (value: string) => ({ type: 'base64', value });
/** Fields that differ between two runs of the same request. */
const stable = (body: Record<string, unknown>) =>
  JSON.parse(
    JSON.stringify(body, (k, v) => (['time', 'inference_id', 'detection_id'].includes(k) ? undefined : v)),
  );

describe('scale-out: front + workers on Redis', () => {
  let redis: TestRedis;
  let front: FastifyInstance;
  let single: FastifyInstance;
  let w1: TestWorker;
  let w2: TestWorker;
  const f = modelFixtures();
  const aliases = testAliases(f);
  const all = Object.keys(aliases).filter((m) => m !== 'coco-seg/1');
  const workerEnv = {
    MODEL_ALIASES: JSON.stringify(aliases),
    MODEL_CACHE_DIR: `${f.root}/cache`,
    ORT_SESSIONS: '1',
    ORT_THREADS: '1',
    WORKER_CLAIM_TIMEOUT_MS: '1500',
  };

  beforeAll(async () => {
    redis = await startRedis(true);
    [w1, w2] = await Promise.all([
      startWorker(redis.url, all, workerEnv),
      startWorker(redis.url, ['classifier/1'], workerEnv),
    ]);
    front = await testServer({ distributed: { url: redis.url, refreshMs: 100 } });
    single = await testServer();
    await until(() => (front.services.remote?.workers.length ?? 0) === 2, 20_000, 'two live workers');
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([front?.close(), single?.close()]);
    await Promise.allSettled([w1?.stop(), w2?.stop()]);
    await redis?.stop();
  });

  const post = (app: FastifyInstance, url: string, payload: object) =>
    app.inject({ method: 'POST', url, payload });

  it('answers the main routes as one server does (bodies, statuses, errors)', async () => {
    const cases: [string, object][] = [
      ['/infer/classification', { model_id: 'classifier/1', image: img(await photoBase64('dog.jpg')) }],
      [
        '/infer/keypoints_detection',
        {
          model_id: 'pose/1',
          image: [img(await photoBase64('dog.jpg')), img(await photoBase64('horses.jpg'))],
        },
      ],
      ['/infer/semantic_segmentation', { model_id: 'semantic/1', image: img(await photoBase64('dog.jpg')) }],
      ['/infer/classification', { model_id: 'classifier/1', image: img('bm90IGFuIGltYWdl') }],
    ];
    if (HAS_SHARED) {
      cases.push([
        '/infer/object_detection',
        {
          model_id: 'coco/3',
          image: img(await photoBase64('dog.jpg')),
          confidence: 0.5,
          visualize_predictions: true,
        },
      ]);
    }
    for (const [url, payload] of cases) {
      const [a, b] = await Promise.all([post(single, url, payload), post(front, url, payload)]);
      expect(b.statusCode, `${url}: ${b.body.slice(0, 300)}`).toBe(a.statusCode);
      const [ja, jb] = [a.json(), b.json()];
      if (Array.isArray(ja)) expect(jb.map(stable)).toEqual(ja.map(stable));
      else expect(stable(jb)).toEqual(stable(ja));
    }
    if (HAS_SHARED) {
      const dog = await photoBase64('dog.jpg');
      const legacy = await front.inject({
        method: 'POST',
        url: '/coco/3?confidence=0.5',
        payload: dog,
        headers: { 'content-type': 'application/json' },
      });
      expect(legacy.statusCode).toBe(200);
      expect(legacy.json().predictions.map((p: { class: string }) => p.class)).toContain('dog');
    }
  }, 120_000);

  it('routes each model to the workers that hold it; a model no live worker holds gets 503 + Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        post(front, '/infer/classification', {
          model_id: 'classifier/1',
          image: img(f.root ? 'iVBORw0KGgo=' : ''),
        }),
      ),
    );
    // both workers hold the classifier: the bad image is answered by whichever read it, the same way
    expect(new Set(answers.map((a) => a.statusCode)).size).toBe(1);
    const infos = front.services.remote?.workers ?? [];
    expect(infos.map((w) => w.models.length).sort()).toEqual([1, all.length]);

    // a model outside every worker's list
    const none = await post(front, '/infer/classification', {
      model_id: 'multilabel/2',
      image: img(await photoBase64('dog.jpg')),
    });
    expect(none.statusCode).toBe(503);
    expect(none.headers['retry-after']).toBeDefined();
  }, 60_000);

  it('a stream at its backlog limit refuses with 503; a job queued past its deadline is answered 504 and dropped unopened', async () => {
    const quick = await testServer({
      distributed: { url: redis.url, refreshMs: 100, maxBacklog: 1 },
      requestTimeoutMs: 1000,
    });
    try {
      await until(() => (quick.services.remote?.workers.length ?? 0) === 2, 20_000, 'workers seen');
      const expiredBefore = () => (quick.services.remote?.workers ?? []).reduce((n, w) => n + w.expired, 0);
      const before = expiredBefore();
      w1.child.kill('SIGSTOP');
      w2.child.kill('SIGSTOP');
      let res: Awaited<ReturnType<typeof post>>;
      try {
        const job = { model_id: 'classifier/1', image: img(await photoBase64('dog.jpg')) };
        const first = post(quick, '/infer/classification', job);
        // the stream now holds one job, the backlog limit: the next request is refused at once
        const depth = /inference_distributed_queue_depth\{stream="inf:jobs:classifier\/1"\} [1-9]/;
        await until(
          async () => depth.test((await quick.inject('/metrics')).body),
          5000,
          'the job in the stream',
        );
        const refused = await post(quick, '/infer/classification', job);
        expect(refused.statusCode).toBe(503);
        expect(refused.headers['retry-after']).toBe('1');
        expect(refused.json().message).toMatch(/waiting in this model's queue/);
        res = await first;
      } finally {
        w1.child.kill('SIGCONT');
        w2.child.kill('SIGCONT');
      }
      expect(res.statusCode).toBe(504);
      await until(() => expiredBefore() > before, 20_000, 'a worker to drop the expired job');
    } finally {
      await quick.close();
    }
  }, 60_000);

  it('a worker SIGKILLed under load loses no request: its jobs are taken over', async () => {
    const dog = await photoBase64('dog.jpg');
    const reclaimed = () => (front.services.remote?.workers ?? []).reduce((n, w) => n + w.reclaimed, 0);
    const before = reclaimed();
    const statuses: number[] = [];
    // w1 paused: the jobs go to w2, which is killed while it holds some
    w1.child.kill('SIGSTOP');
    let clients: Promise<void>[] = [];
    try {
      const client = async () => {
        while (statuses.length < 40) {
          const r = await post(front, '/infer/classification', { model_id: 'classifier/1', image: img(dog) });
          statuses.push(r.statusCode);
        }
      };
      clients = Array.from({ length: 6 }, client);
      await until(() => statuses.length >= 4, 30_000, 'w2 answering');
      await w2.kill();
    } finally {
      w1.child.kill('SIGCONT');
    }
    await Promise.all(clients);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await until(() => reclaimed() > before, 20_000, 'w1 to report the jobs it took over');
  }, 120_000);

  it('Redis stopped and restarted under load: 503 + Retry-After while down, then answers again by itself', async () => {
    const dog = await photoBase64('dog.jpg');
    const job = { model_id: 'classifier/1', image: img(dog) };
    const seen: { status: number; after: boolean }[] = [];
    let restarted = false;
    let done = false;
    const client = async () => {
      while (!done) {
        const r = await post(front, '/infer/classification', job);
        seen.push({ status: r.statusCode, after: restarted });
        if (r.statusCode !== 200) await new Promise((x) => setTimeout(x, 20));
      }
    };
    const clients = Array.from({ length: 3 }, client);
    try {
      await until(
        () => seen.filter((s) => s.status === 200).length >= 3,
        30_000,
        'answers before the outage',
      );
      await redis.stop();
      // requests admitted before the outage wait for their kept jobs; a new one is refused at once
      let down: Awaited<ReturnType<typeof post>> | undefined;
      await until(
        async () => {
          down = await post(front, '/infer/classification', job);
          return down.statusCode === 503;
        },
        30_000,
        'a 503 while Redis is down',
      );
      expect(down?.headers['retry-after']).toBeDefined();
      expect(down?.json().message).toMatch(/unreachable/);
      await redis.restart();
      restarted = true;
      await until(
        () => seen.filter((s) => s.after && s.status === 200).length >= 5,
        60_000,
        'answers after the restart',
      );
    } finally {
      done = true;
      await Promise.all(clients);
    }
    // every request either was answered or got a 503 (none lost, none failed otherwise)
    expect(seen.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
  }, 120_000);

  it('a worker stopped with SIGTERM leaves the live-worker table and exits 0', async () => {
    await until(() => (front.services.remote?.workers.length ?? 0) >= 1, 20_000, 'w1 live');
    const exit = new Promise<number | null>((r) => w1.child.once('exit', (code) => r(code)));
    w1.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    await until(() => (front.services.remote?.workers.length ?? 0) === 0, 5000, 'w1 gone from the table');
  }, 60_000);
});
