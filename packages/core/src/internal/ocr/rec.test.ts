import { describe, expect, it } from 'vitest';
import type { InferenceSession, TensorData } from '../runtime/types.js';
import { TextRecognizer } from './rec.js';

const ALPHABET = ['', 'a', 'b', 'c', ' '];

/**
 * A stand-in recogniser session: records each input shape and "reads" every
 * crop as the letter whose index equals the crop's width in steps of 8
 * columns, so results can be traced back to their crops.
 */
function fakeSession(): InferenceSession & { calls: number[][] } {
  const calls: number[][] = [];
  return {
    calls,
    inputs: [{ name: 'x', type: 'float32', shape: ['n', 3, 48, 'w'] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['n', 't', ALPHABET.length] }],
    providers: ['cpu'],
    async run(feeds: Record<string, TensorData>) {
      const { data, dims } = feeds.x;
      calls.push(dims);
      const [n, , h, w] = dims;
      const steps = w / 8;
      const probs = new Float32Array(n * steps * ALPHABET.length);
      for (let i = 0; i < n; i++) {
        // the crop's own width = its non-padding columns (padding stays exactly 0 in plane 0, row 0)
        let cols = 0;
        for (let x = 0; x < w; x++) if (data[i * 3 * h * w + x] !== 0) cols = x + 1;
        const letter = Math.min(3, Math.round(cols / 48));
        probs[i * steps * ALPHABET.length + letter] = 0.9;
        for (let t = 1; t < steps; t++) probs[(i * steps + t) * ALPHABET.length] = 1;
      }
      return { y: { data: probs, dims: [n, steps, ALPHABET.length] } };
    },
    async dispose() {},
  };
}

describe('TextRecognizer', () => {
  it('batches crops of similar width together and returns results in the callers order', async () => {
    // a white image; crops of aspect 3, 1 and 2 (widths 144, 48, 96 at height 48)
    const image = { data: new Uint8Array(300 * 100 * 3).fill(255), width: 300, height: 100 };
    const quads = [
      Float32Array.of(0, 0, 150, 0, 150, 50, 0, 50),
      Float32Array.of(0, 0, 50, 0, 50, 50, 0, 50),
      Float32Array.of(0, 0, 100, 0, 100, 50, 0, 50),
    ];
    const session = fakeSession();
    const rec = new TextRecognizer(session, ALPHABET, { batchSize: 2 });
    const results = await rec.recognizeRegions(image, quads);
    expect(results.map((r) => r.text)).toEqual(['c', 'a', 'b']);
    expect(results[0].confidence).toBeCloseTo(0.9, 6);
    // sorted by width: [48, 96] in one batch as wide as its widest crop, then [144] alone
    expect(session.calls).toEqual([
      [2, 3, 48, 96],
      [1, 3, 48, 144],
    ]);
  });

  it('reads a whole crop with recognize()', async () => {
    const crop = { data: new Uint8Array(96 * 48 * 3).fill(200), width: 96, height: 48 };
    const result = await new TextRecognizer(fakeSession(), ALPHABET).recognize(crop);
    expect(result.text).toBe('b');
  });

  it('rejects an output that is not [N, T, C]', async () => {
    const session = fakeSession();
    session.run = async () => ({ y: { data: new Float32Array(4), dims: [4] } });
    const crop = { data: new Uint8Array(48 * 48 * 3), width: 48, height: 48 };
    await expect(new TextRecognizer(session, ALPHABET).recognize(crop)).rejects.toMatchObject({
      code: 'CORE_ERR_POSTPROCESS',
    });
  });
});
