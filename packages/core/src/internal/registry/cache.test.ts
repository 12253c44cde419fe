import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCacheDir, roboflowModelDir, urlModelDir } from './cache.js';
import { ModelRegistry } from './registry.js';
import { DEFAULT_API_BASE_URL, resolveApiBaseUrl } from './roboflow-api.js';

describe('cache paths', () => {
  it('picks the cache root from option, MODEL_CACHE_DIR, XDG_CACHE_HOME, then home', () => {
    expect(resolveCacheDir('/opt/c', { MODEL_CACHE_DIR: '/m' })).toBe('/opt/c');
    expect(resolveCacheDir(undefined, { MODEL_CACHE_DIR: '/m', XDG_CACHE_HOME: '/x' })).toBe('/m');
    expect(resolveCacheDir(undefined, { XDG_CACHE_HOME: '/x' })).toBe('/x/inference-ts');
    expect(resolveCacheDir(undefined, {})).toBe(join(homedir(), '.cache', 'inference-ts'));
  });

  it('reads only the environment the app passes, never process.env', () => {
    const saved = { m: process.env.MODEL_CACHE_DIR, a: process.env.API_BASE_URL };
    try {
      process.env.MODEL_CACHE_DIR = '/from-process-env';
      process.env.API_BASE_URL = 'http://from-process-env';
      expect(resolveCacheDir()).toBe(join(homedir(), '.cache', 'inference-ts'));
      expect(resolveApiBaseUrl()).toBe(DEFAULT_API_BASE_URL);
      const registry = new ModelRegistry({ env: { MODEL_CACHE_DIR: '/m', XDG_CACHE_HOME: '/x' } });
      expect(registry.cacheDir).toBe('/m');
      expect(new ModelRegistry().cacheDir).toBe(join(homedir(), '.cache', 'inference-ts'));
      expect(resolveApiBaseUrl(undefined, { API_BASE_URL: 'http://api.test/' })).toBe('http://api.test');
    } finally {
      for (const [k, v] of [
        ['MODEL_CACHE_DIR', saved.m],
        ['API_BASE_URL', saved.a],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });

  it.each([
    ['coco', '3', '/c/coco/3'],
    ['my set.v2', '10', '/c/my set.v2/10'],
  ])('%s/%s uses the plain Roboflow layout', (d, v, expected) => {
    expect(roboflowModelDir('/c', d, v)).toBe(expected);
  });

  it('hashes ids with uppercase or odd characters', () => {
    const a = roboflowModelDir('/c', 'My-Set', '2');
    expect(a).toMatch(/^\/c\/~my-set-2-[0-9a-f]{16}$/);
    expect(roboflowModelDir('/c', 'my-set', '2')).toBe('/c/my-set/2');
    expect(roboflowModelDir('/c', 'My-Set', '2')).toBe(a);
    expect(roboflowModelDir('/c', 'MY-SET', '2')).not.toBe(a);
    expect(roboflowModelDir('/c', 'clip', 'ViT-B/16'.replace('/', '_'))).toMatch(/^\/c\/~clip-vit-b_16-/);
  });

  it('puts URL models under _url by hash', () => {
    const a = urlModelDir('/c', 'https://x.org/a.onnx');
    expect(a).toMatch(/^\/c\/_url\/[0-9a-f]{24}$/);
    expect(urlModelDir('/c', 'https://x.org/b.onnx')).not.toBe(a);
  });
});
