import { describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import { OnnxSession } from './onnx-session.js';

const good = constantOutputModel({ name: 'x', shape: [1, 3, 4, 4] }, { y: { dims: [1, 2], data: [1, 2] } });

describe('session creation errors', () => {
  // A file ONNX Runtime cannot parse is the model package's fault, not the runtime's (the server answers 4xx for a model the request named).
  it.each([
    ['not ONNX', new TextEncoder().encode('hello, I am not a model')],
    ['truncated', good.subarray(0, Math.floor(good.length / 2))],
  ])('%s bytes give CORE_ERR_MODEL_ARTEFACT, on the main thread and in a worker', async (_what, bytes) => {
    for (const worker of [false, true]) {
      await expect(OnnxSession.create(bytes, { worker })).rejects.toMatchObject({
        code: 'CORE_ERR_MODEL_ARTEFACT',
        message: expect.stringMatching(/not a loadable ONNX model/),
      });
    }
  });
});
