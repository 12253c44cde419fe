import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANSWER_SCRIPT,
  doneKey,
  GROUP,
  jobStream,
  replyStream,
} from '../src/internal/distributed/protocol.js';
import { startRedis, type TestRedis } from './redis-helpers.js';

describe('a job is answered once', () => {
  let redis: TestRedis;
  let r: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    r = new Redis(redis.url);
  });
  afterAll(async () => {
    r?.disconnect();
    await redis?.stop();
  });

  it('two workers answering the same job (one took it over) add one reply; both acknowledge and delete it', async () => {
    const stream = jobStream('m/1');
    await r.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM');
    const entry = (await r.xadd(stream, '*', 'id', 'job-1')) as string;
    await r.xreadgroup('GROUP', GROUP, 'w1', 'COUNT', '1', 'STREAMS', stream, '>');
    const answer = (worker: string) =>
      r.eval(
        ANSWER_SCRIPT,
        3,
        doneKey('job-1'),
        replyStream('front-1'),
        stream,
        60_000,
        'job-1',
        `{"by":"${worker}"}`,
        GROUP,
        entry,
      );
    await answer('w1');
    await answer('w2');
    const replies = await r.xrange(replyStream('front-1'), '-', '+');
    expect(replies).toHaveLength(1);
    expect(replies[0][1]).toEqual(['id', 'job-1', 'body', '{"by":"w1"}']);
    expect(await r.xlen(stream)).toBe(0);
    const pending = (await r.xpending(stream, GROUP)) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
  });
});
