import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeImage } from '@inference-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnnxModel } from '../../../testing/onnx-builder.js';
import { batchingFromEnv } from '../src/internal/config.js';
import { buildServer } from '../src/internal/server.js';

/** A colour classifier with a dynamic batch axis: logits = mean of each channel, [N, 3, 8, 8] -> [N, 3]. */
function colourModel(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'batching-')), 'colour');
  mkdirSync(dir);
  const onnx = buildOnnxModel({
    inputs: [{ name: 'images', shape: ['N', 3, 8, 8] }],
    outputs: [{ name: 'logits', shape: ['N', 3] }],
    nodes: [
      { op: 'ReduceMean', inputs: ['images'], outputs: ['m'], attrs: { axes: [2, 3], keepdims: 0 } },
      { op: 'Mul', inputs: ['m', 'ten'], outputs: ['logits'] },
    ],
    initializers: [{ name: 'ten', dims: [], data: [10] }],
    opset: 13,
  });
  writeFileSync(join(dir, 'model.onnx'), onnx);
  writeFileSync(
    join(dir, 'inference.json'),
    JSON.stringify({
      weights: 'model.onnx',
      task: 'classification',
      family: 'classification',
      input: { width: 8, height: 8, resize: 'stretch' },
      classes: ['red', 'green', 'blue'],
    }),
  );
  return dir;
}

async function solid(r: number, g: number, b: number): Promise<string> {
  const data = new Uint8Array(16 * 16 * 3);
  for (let i = 0; i < data.length; i += 3) data.set([r, g, b], i);
  return (await encodeImage({ data, width: 16, height: 16 }, 'png')).toString('base64');
}

describe('dynamic batching in the server', () => {
  let app: Awaited<ReturnType<typeof buildServer>>;
  beforeAll(async () => {
    app = await buildServer({
      logger: false,
      preloadModels: ['colour/1'],
      engineOptions: {
        aliases: { 'colour/1': colourModel() },
        session: { sessions: 1, batching: { maxBatch: 4 } },
      },
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers every concurrent request with its own image and counts every image in the batch histogram', async () => {
    const colours = { red: [220, 10, 10], green: [10, 220, 10], blue: [10, 10, 220] } as const;
    const names = ['red', 'green', 'blue', 'blue', 'red', 'green', 'green', 'red', 'blue', 'red'] as const;
    const images = await Promise.all(names.map((n) => solid(colours[n][0], colours[n][1], colours[n][2])));
    const answers = await Promise.all(
      images.map((value) =>
        app.inject({
          method: 'POST',
          url: '/infer/classification',
          payload: { model_id: 'colour/1', image: { type: 'base64', value } },
        }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(names.map(() => 200));
    expect(answers.map((a) => a.json().top)).toEqual([...names]);
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toMatch(/inference_model_mode\{model="[^"]*colour[^"]*",mode="batching"\} 1/);
    const sum = /inference_batch_size_sum\{model="[^"]*colour[^"]*"\} (\d+)/.exec(metrics);
    const count = /inference_batch_size_count\{model="[^"]*colour[^"]*"\} (\d+)/.exec(metrics);
    // warm-up runs the sessions directly; every request image went through the batcher
    expect(Number(sum?.[1])).toBe(names.length);
    expect(Number(count?.[1])).toBeLessThanOrEqual(names.length);
  });

  it('is on by default only with a GPU provider; MODEL_BATCHING and MAX_BATCH_SIZE set it', () => {
    expect(batchingFromEnv({})).toBeUndefined();
    expect(batchingFromEnv({ ONNXRUNTIME_EXECUTION_PROVIDERS: '[CUDAExecutionProvider]' })).toEqual({
      maxBatch: 32,
      windowMs: undefined,
    });
    expect(batchingFromEnv({ MODEL_BATCHING: 'on', MAX_BATCH_SIZE: '4', BATCH_WINDOW_MS: '2' })).toEqual({
      maxBatch: 4,
      windowMs: 2,
    });
    expect(
      batchingFromEnv({ MODEL_BATCHING: 'off', ONNXRUNTIME_EXECUTION_PROVIDERS: 'cuda' }),
    ).toBeUndefined();
  });
});
