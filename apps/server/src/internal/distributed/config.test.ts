import { describe, expect, it } from 'vitest';
import { frontFromEnv } from '../config.js';
import { redisUrlFrom } from './redis.js';

describe('scale-out configuration', () => {
  it('reads Roboflow REDIS_HOST/REDIS_PORT, REDIS_URL, or a flag (the flag wins)', () => {
    expect(redisUrlFrom(undefined, {})).toBeUndefined();
    expect(redisUrlFrom(undefined, { REDIS_HOST: 'cache' })).toBe('redis://cache:6379');
    expect(redisUrlFrom(undefined, { REDIS_HOST: 'cache', REDIS_PORT: '6380' })).toBe('redis://cache:6380');
    expect(redisUrlFrom(undefined, { REDIS_URL: 'redis://a:1', REDIS_HOST: 'b' })).toBe('redis://a:1');
    expect(redisUrlFrom('redis://flag:2', { REDIS_HOST: 'b' })).toBe('redis://flag:2');
  });

  it('makes a front only when asked: REDIS_HOST alone (shared limits, caches) leaves a normal server', () => {
    expect(frontFromEnv({ REDIS_HOST: 'cache' })).toBeUndefined();
    expect(frontFromEnv({ INFERENCE_FRONT: 'true', REDIS_HOST: 'cache', QUEUE_MAX_BACKLOG: '50' })).toEqual({
      url: 'redis://cache:6379',
      maxBacklog: 50,
    });
    expect(() => frontFromEnv({ INFERENCE_FRONT: 'true' })).toThrow(/REDIS_URL or REDIS_HOST/);
  });
});
