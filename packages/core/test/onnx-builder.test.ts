import { expect, it } from 'vitest';
import { constantOutputModel } from '../../../testing/onnx-builder.js';
import { OnnxSession } from '../src/internal/runtime/onnx-session.js';

it('builds and runs', async () => {
  const bytes = constantOutputModel(
    { name: 'images', shape: [1, 3, 8, 8] },
    { out: { dims: [1, 2, 3], data: [1, 2, 3, 4, 5, 6] } },
  );
  const s = await OnnxSession.create(bytes);
  const r = await s.run({ images: { data: new Float32Array(192), dims: [1, 3, 8, 8] } });
  expect(Array.from(r.out.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(s.outputs[0].shape).toEqual([1, 2, 3]);
});
