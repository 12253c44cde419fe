import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { PreprocessMeta } from '../preprocess/types.js';
import { decodeSemanticSegmentation, semanticSegmentationToWire } from './semantic-segmentation.js';

/** 8×4 original letterboxed into 8×8 (pad 2 above and below); output at 4×4 (2 network px per cell). */
const meta: PreprocessMeta = {
  originalWidth: 8,
  originalHeight: 4,
  cropX: 0,
  cropY: 0,
  cropWidth: 8,
  cropHeight: 4,
  scaleX: 1,
  scaleY: 1,
  padX: 0,
  padY: 2,
  inputWidth: 8,
  inputHeight: 8,
};
const classes = ['background', 'road', 'car'];

/** [1, 3, 4, 4] logits: class = column-of-cell mod 3 in rows 1..2 (the image rows), background logit 5 in the padding rows. */
function logits(): Float32Array {
  const v = new Float32Array(3 * 16);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      const winner = y === 0 || y === 3 ? 0 : x % 3;
      for (let c = 0; c < 3; c++) v[c * 16 + y * 4 + x] = c === winner ? 2 : 0;
    }
  }
  return v;
}

describe('decodeSemanticSegmentation', () => {
  it('takes the argmax per cell and maps it to every original pixel without the padding', () => {
    const seg = decodeSemanticSegmentation({ data: logits(), dims: [1, 3, 4, 4] }, 0, meta, { classes });
    expect([seg.width, seg.height]).toEqual([8, 4]);
    // original row y -> network y + 2 -> cell row (y + 2.5) / 2 | 0: rows 0..1 -> cell 1, rows 2..3 -> cell 2
    const row = [0, 0, 1, 1, 2, 2, 0, 0];
    expect(Array.from(seg.classMask)).toEqual([...row, ...row, ...row, ...row]);
    expect(seg.presentClassIds).toEqual([0, 1, 2]);
    expect(seg.classMap).toEqual({ '0': 'background', '1': 'road', '2': 'car' });
    // softmax of (2, 0, 0) -> e² / (e² + 2) = 0.787 -> 201
    expect(seg.confidenceMask[0]).toBe(Math.round((Math.exp(2) / (Math.exp(2) + 2)) * 255));
  });

  it('keeps probabilities that already sum to 1', () => {
    const p = new Float32Array(2 * 16);
    for (let i = 0; i < 16; i++) {
      p[i] = 0.3;
      p[16 + i] = 0.7;
    }
    const seg = decodeSemanticSegmentation({ data: p, dims: [1, 2, 4, 4] }, 0, meta, { classes: ['a', 'b'] });
    expect(seg.classMask.every((v) => v === 1)).toBe(true);
    expect(seg.confidenceMask[5]).toBe(Math.round(Math.fround(0.7) * 255));
    expect(seg.presentClassIds).toEqual([1]);
  });

  it('encodes 8-bit gray PNGs that decode back to the masks', async () => {
    const seg = decodeSemanticSegmentation({ data: logits(), dims: [1, 3, 4, 4] }, 0, meta, { classes });
    const wire = await semanticSegmentationToWire(seg);
    const png = Buffer.from(wire.segmentation_mask, 'base64');
    expect([png[24], png[25]]).toEqual([8, 0]); // IHDR: bit depth 8, colour type 0 (grayscale)
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([8, 4, 1]);
    expect(Array.from(data)).toEqual(Array.from(seg.classMask));
    expect(wire.present_class_ids).toEqual([0, 1, 2]);
    const conf = await sharp(Buffer.from(wire.confidence_mask, 'base64'))
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    expect(Array.from(conf)).toEqual(Array.from(seg.confidenceMask));
  });

  it('rejects outputs that do not match the classes', () => {
    expect(() =>
      decodeSemanticSegmentation({ data: logits(), dims: [1, 3, 4, 4] }, 0, meta, { classes: ['a', 'b'] }),
    ).toThrow(expect.objectContaining({ code: 'CORE_ERR_POSTPROCESS' }));
  });
});
