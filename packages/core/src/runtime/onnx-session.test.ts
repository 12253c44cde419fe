import { describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../testing/onnx-builder.js';
import { availableProviders, OnnxSession } from './onnx-session.js';

const model = () =>
  constantOutputModel({ name: 'x', shape: [1, 3, 4, 4] }, { y: { dims: [1, 2], data: [1, 2] } });

describe('OnnxSession', () => {
  it('lists cpu among the available providers', () => {
    expect(availableProviders()).toContain('cpu');
  });

  it('falls back to CPU visibly when a GPU provider is asked for and missing', async () => {
    const warnings: string[] = [];
    const s = await OnnxSession.create(model(), {
      providers: ['tensorrt', 'coreml', 'cpu'],
      onWarning: (m) => warnings.push(m),
    });
    expect(s.providers).toContain('cpu');
    expect(s.providers).not.toContain('coreml');
    expect(warnings.join('\n')).toMatch(/coreml/);
    const out = await s.run({ x: { data: new Float32Array(48), dims: [1, 3, 4, 4] } });
    expect(Array.from(out.y.data as Float32Array)).toEqual([1, 2]);
    await s.dispose();
  });

  it('reports input and output metadata, and refuses runs after dispose', async () => {
    const s = await OnnxSession.create(model(), {
      intraOpThreads: 1,
      graphOptimization: 'basic',
      allowSpinning: false,
    });
    expect(s.inputs).toEqual([{ name: 'x', type: 'float32', shape: [1, 3, 4, 4] }]);
    expect(s.outputs[0]).toMatchObject({ name: 'y', shape: [1, 2] });
    await s.dispose();
    await expect(s.run({ x: { data: new Float32Array(48), dims: [1, 3, 4, 4] } })).rejects.toMatchObject({
      code: 'CORE_ERR_DISPOSED',
    });
  });

  it('wraps ONNX Runtime failures in typed errors', async () => {
    await expect(OnnxSession.create(new Uint8Array([1, 2, 3, 4]))).rejects.toMatchObject({
      code: 'CORE_ERR_RUNTIME_SESSION',
    });
    const s = await OnnxSession.create(model());
    await expect(s.run({ x: { data: new Float32Array(3), dims: [1, 3, 1, 1] } })).rejects.toMatchObject({
      code: 'CORE_ERR_RUNTIME_RUN',
    });
    await s.dispose();
  });
});
