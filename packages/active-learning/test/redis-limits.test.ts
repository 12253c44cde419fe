import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActiveLearning } from '../src/internal/active-learning.js';
import { RedisLimits } from '../src/internal/redis-limits.js';
import { config, detection, image } from './helpers.js';
import { MiniRedis, startRedis } from './redis.js';

describe('limits shared through Redis (a real redis-server)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const clients: MiniRedis[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await redis.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const client = async () => {
    const c = await MiniRedis.connect(redis.port);
    clients.push(c);
    return c;
  };

  it("uses Roboflow's keys, values and TTLs; check-and-consume is atomic", async () => {
    const r = await client();
    const limits = new RedisLimits(r);
    const now = Date.UTC(2026, 3, 7, 8, 9);
    const s = [{ name: 'a', limits: [{ type: 'hourly' as const, value: 2 }] }];
    expect((await limits.takeFirst('ws', 'p', s, now))?.name).toBe('a');
    expect(await r.call('GET', 'active_learning:usage:ws:p:a:hour_8')).toBe('{"usage":1}');
    expect(await r.call('GET', 'active_learning:usage:ws:p:a:day_2026_04_07')).toBe('{"usage":1}');
    const ttl = Number(await r.call('TTL', 'active_learning:usage:ws:p:a:minute_9'));
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    // 20 concurrent takers on two connections: exactly one more credit is left in the hour
    const other = new RedisLimits(await client());
    const got = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? limits : other).takeFirst('ws', 'p', s, now)),
    );
    expect(got.filter(Boolean)).toHaveLength(1);
    await limits.giveBack('ws', 'p', 'a', now);
    expect(await r.call('GET', 'active_learning:usage:ws:p:a:hour_8')).toBe('{"usage":1}');
    expect(Number(await r.call('TTL', 'active_learning:usage:ws:p:a:hour_8'))).toBeGreaterThan(7000);
  });

  it('two instances with their own state directories share one limit', async () => {
    const cfg = config({
      sampling_strategies: [
        { name: 'shared', type: 'random', traffic_percentage: 1, limits: [{ type: 'daily', value: 3 }] },
      ],
    });
    const open = async () => {
      const dir = mkdtempSync(join(tmpdir(), 'al-redis-'));
      const out = mkdtempSync(join(tmpdir(), 'al-redis-out-'));
      dirs.push(dir, out);
      return ActiveLearning.open({ dir, target: `dir:${out}`, config: cfg, redis: await client() });
    };
    const a = await open();
    const b = await open();
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const al of [a, b]) {
        outcomes.push(
          await al.register({
            image: image(i * 2 + (al === a ? 0 : 1)),
            prediction: detection(),
            predictionType: 'object-detection',
            modelId: 'redis/1',
          }),
        );
      }
    }
    expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'limited')).toHaveLength(5);
    await a.close();
    await b.close();
  });
});
