import { describe, expect, it } from 'vitest';
import { decodeClassification, manifestActivation } from './classification.js';

const classes = ['cat', 'dog', 'car'];
const t = (values: number[], batch = 1) => ({
  data: new Float32Array(values),
  dims: [batch, values.length / batch],
});

describe('decodeClassification', () => {
  it('applies softmax to single-label logits', () => {
    const r = decodeClassification(t([2, 0, 1]), 0, { classes });
    const z = Math.exp(2) + 1 + Math.exp(1);
    expect(r.activation).toBe('softmax');
    expect(r.scores[0]).toBeCloseTo(Math.exp(2) / z, 6);
    expect(r.scores[1]).toBeCloseTo(1 / z, 6);
    expect(Array.from(r.ranking)).toEqual([0, 2, 1]);
    expect(r.top).toBe('cat');
    expect(r.topConfidence).toBeCloseTo(0.6652, 4);
    expect(r.predictedClasses).toEqual(['cat']);
  });

  it('does not apply softmax twice to an output that is already a distribution', () => {
    const r = decodeClassification(t([0.1, 0.7, 0.2]), 0, { classes });
    expect(r.activation).toBe('none');
    expect(Array.from(r.scores)).toEqual(Array.from(new Float32Array([0.1, 0.7, 0.2])));
    expect(r.top).toBe('dog');
    // values in [0, 1] that do not sum to 1 are logits after all
    expect(decodeClassification(t([0.1, 0.2, 0.3]), 0, { classes }).activation).toBe('softmax');
  });

  it('applies sigmoid per class for multi-label and thresholds strictly above confidence', () => {
    const r = decodeClassification(t([2, -2, 0]), 0, { classes, multiLabel: true, confidence: 0.5 });
    expect(r.activation).toBe('sigmoid');
    expect(r.scores[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(r.scores[2]).toBeCloseTo(0.5, 6);
    expect(r.predictedClasses).toEqual(['cat']);
    // already sigmoid (all in [0, 1]): kept as is
    const p = decodeClassification(t([0.9, 0.1, 0.6]), 0, { classes, multiLabel: true });
    expect(p.activation).toBe('none');
    expect(p.predictedClasses).toEqual(['cat', 'car']);
  });

  it('lets the manifest force the activation', () => {
    // a softmax-looking output forced through softmax anyway
    const forced = decodeClassification(t([0.1, 0.7, 0.2]), 0, { classes, activation: 'softmax' });
    expect(forced.activation).toBe('softmax');
    expect(forced.topConfidence).toBeLessThan(0.7);
    expect(decodeClassification(t([3, 1, 2]), 0, { classes, activation: 'none' }).topConfidence).toBe(3);
    expect(manifestActivation({ options: { activation: 'sigmoid' } })).toBe('sigmoid');
    expect(manifestActivation({})).toBe('auto');
    expect(() => manifestActivation({ options: { activation: 'relu' } })).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_MODEL_MANIFEST' }),
    );
  });

  it('reads the requested image of a batch and trailing 1-sized axes', () => {
    const out = { data: new Float32Array([5, 0, 0, 0, 0, 5]), dims: [2, 3, 1, 1] };
    expect(decodeClassification(out, 1, { classes }).top).toBe('car');
    expect(decodeClassification(out, 0, { classes: [] }).top).toBe('0');
  });

  it('rejects class-count mismatches and missing images', () => {
    expect(() => decodeClassification(t([1, 2]), 0, { classes })).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_POSTPROCESS' }),
    );
    expect(() => decodeClassification(t([1, 2, 3]), 1, { classes })).toThrow(/no image 1/);
  });
});
