import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from './config.js';
import { resolveServerOptions } from './options.js';
import { availableMemory, defaultDecodeBudget } from './scale/sizing.js';

describe('optionsFromEnv', () => {
  it('defaults: port 9001 on all interfaces, safe image and model policies', () => {
    const { host, port, options } = optionsFromEnv({});
    expect([host, port]).toEqual(['0.0.0.0', 9001]);
    const r = resolveServerOptions(options);
    expect(r.images).toMatchObject({
      allowUrl: true,
      allowHttpUrls: false,
      allowPrivateUrls: false,
      allowFile: false,
    });
    expect(r.models).toEqual({ allowLocalPaths: false, allowUrls: false });
    expect(r.apiKeys).toEqual([]);
    expect(r.corsOrigins).toEqual(['*']);
    // a queued request starts within 4 run times: p99 stays bounded instead of growing with the crowd
    expect(r.queue.maxQueued).toBe(4 * r.queue.concurrency);
    expect(resolveServerOptions({ queue: { concurrency: 2 } }).queue.maxQueued).toBe(8);
    // at least one largest image always fits the decoded-pixel budget
    expect(r.decodeBudget.maxPixels).toBeGreaterThanOrEqual(r.images.maxPixels);
    expect(r.decodeBudget.waitMs).toBe(5000);
  });

  it('derives the decoded-pixel budget from memory and reads MAX_DECODED_PIXELS, DECODE_WAIT_MS', () => {
    expect(defaultDecodeBudget(100e6, 32 * 2 ** 30)).toBe(Math.floor((32 * 2 ** 30) / 96));
    expect(defaultDecodeBudget(100e6, 2 * 2 ** 30)).toBe(100e6);
    const { options } = optionsFromEnv({ MAX_DECODED_PIXELS: '5000000', DECODE_WAIT_MS: '0' });
    expect(resolveServerOptions(options).decodeBudget).toEqual({ maxPixels: 5_000_000, waitMs: 0 });
  });

  it("reads Roboflow's names and ours", () => {
    const { port, options } = optionsFromEnv({
      PORT: '9100',
      MODEL_CACHE_DIR: '/cache',
      ROBOFLOW_API_KEY: 'rk',
      MAX_ACTIVE_MODELS: '3',
      PRELOAD_MODELS: 'pp-ocr, coco/3',
      PINNED_MODELS: '[coco/3]',
      ALLOW_ORIGINS: '',
      ALLOW_NON_HTTPS_URL_INPUT: 'true',
      ALLOW_LOADING_IMAGES_FROM_LOCAL_FILESYSTEM: 'True',
      SERVER_API_KEYS: 'a,b',
      ONNXRUNTIME_EXECUTION_PROVIDERS: '[CUDAExecutionProvider,CPUExecutionProvider]',
      MODEL_ALIASES: 'mine=./models/mine,other=coco/5',
      MODEL_CONCURRENCY: '3',
      ORT_CORES: '1',
    });
    expect(port).toBe(9100);
    expect(options.engineOptions).toMatchObject({
      cacheDir: '/cache',
      apiKey: 'rk',
      maxActiveModels: 3,
      aliases: { mine: './models/mine', other: 'coco/5' },
      session: { providers: ['cuda', 'cpu'], cores: 1 },
    });
    // ORT_CORES: that many cores, and the same fraction of the memory for the session count
    const { memoryBytes } = options.engineOptions?.session ?? {};
    expect(memoryBytes).toBe(Math.floor(availableMemory() / availableParallelism()));
    expect(options.preloadModels).toEqual(['pp-ocr', 'coco/3']);
    expect(options.pinnedModels).toEqual(['coco/3']);
    expect(options.corsOrigins).toEqual([]);
    expect(options.apiKeys).toEqual(['a', 'b']);
    expect(options.images).toMatchObject({ allowHttpUrls: true, allowFile: true });
    expect(options.queue?.concurrency).toBe(3);
  });

  it('rejects malformed values at start', () => {
    expect(() => optionsFromEnv({ PORT: 'abc' })).toThrow(/PORT/);
    expect(() => optionsFromEnv({ ALLOW_URL_INPUT: 'maybe' })).toThrow(/ALLOW_URL_INPUT/);
    expect(() => optionsFromEnv({ ORT_CORES: '0' })).toThrow(/ORT_CORES/);
    expect(() => optionsFromEnv({ ORT_CORES: 'half' })).toThrow(/ORT_CORES/);
    expect(() => resolveServerOptions({ queue: { concurrency: 0 } })).toThrow(/concurrency/);
  });
});
