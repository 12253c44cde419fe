import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia } from '../../../../../testing/shared.js';
import type { RgbImage } from '../image/types.js';
import { classifyTextDirection, OcrModel } from './ocr.js';
import { cropQuad, fullImageQuad, rotateQuad } from './sampling.js';

async function load(path: string, op?: (s: Sharp) => Sharp): Promise<RgbImage> {
  const pipeline = sharp(path).removeAlpha();
  const { data, info } = await (op ? op(pipeline) : pipeline).raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

const rotate180 = (image: RgbImage): RgbImage => cropQuad(image, rotateQuad(fullImageQuad(image), 2));

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

describe.skipIf(!HAS_SHARED)('OcrModel on real photos', () => {
  let ocr: OcrModel;
  beforeAll(async () => {
    ocr = await OcrModel.load({ intraOpThreads: 1 });
  });
  afterAll(async () => {
    await ocr?.dispose();
  });

  it('reads the light box sign line by line in reading order', async () => {
    const result = await ocr.recognize(await load(sharedMedia('multi_line_text.jpg')));
    expect(result.text.toUpperCase().split('\n')).toEqual(['MAKE', 'THIS DAY', 'GREAT!']);
    expect(result.lines.map((l) => l.text.toUpperCase())).toEqual(['MAKE', 'THIS', 'DAY', 'GREAT!']);
    for (const line of result.lines) {
      expect(line.confidence).toBeGreaterThan(0.8);
      expect(line.box).toHaveLength(8);
      const [x1, y1, x2, y2] = line.xyxy;
      expect(Math.min(...line.box.filter((_, i) => i % 2 === 0))).toBeCloseTo(x1, 3);
      expect(Math.max(...line.box.filter((_, i) => i % 2 === 1))).toBeCloseTo(y2, 3);
      expect(x2 - x1).toBeGreaterThan(y2 - y1);
    }
    // "MAKE" sits above "THIS", which is left of "DAY"
    const [make, this_, day] = result.lines;
    expect(make.xyxy[3]).toBeLessThan(this_.xyxy[3]);
    expect(this_.xyxy[2]).toBeLessThan(day.xyxy[0] + 5);
    expect(result.timings.det).toBeGreaterThan(0);
    expect(result.timings.rec).toBeGreaterThan(0);
  });

  it('reads the number plate digits', async () => {
    const result = await ocr.recognize(await load(sharedMedia('license_plate.jpg')));
    // the Hangul syllable between the groups is not in the Chinese/English dictionary; the digits are
    expect(result.text).toMatch(/239\S?8072/);
    const plate = result.lines.find((l) => l.text.includes('8072'));
    expect(plate).toBeDefined();
    // the plate of the nearest car is in the lower right quarter of the 1920 x 1280 photo
    expect(plate?.xyxy[0]).toBeGreaterThan(1200);
    expect(plate?.xyxy[1]).toBeGreaterThan(700);
  });

  it('reads an upside-down photo thanks to the direction classifier, and not without it', async () => {
    const flipped = rotate180(await load(sharedMedia('multi_line_text.jpg')));
    const withCls = await ocr.recognize(flipped);
    expect(withCls.text.toUpperCase()).toContain('MAKE');
    expect(withCls.text.toUpperCase()).toContain('GREAT');
    const withoutCls = await ocr.recognize(flipped, { useDirectionClassifier: false });
    expect(withoutCls.text.toUpperCase()).not.toContain('MAKE');
  });

  it('labels an upright text crop 0 and the same crop turned over 180', async () => {
    const image = await load(sharedMedia('multi_line_text.jpg'));
    const { lines } = await ocr.recognize(image);
    const crop = cropQuad(image, lines.find((l) => l.text.toUpperCase() === 'GREAT!')!.box);
    const upright = await ocr.classifyTextDirection(crop);
    const turned = await ocr.classifyTextDirection(rotate180(crop));
    expect(upright.label).toBe('0');
    expect(turned.label).toBe('180');
    expect(upright.confidence).toBeGreaterThan(0.9);
    expect(turned.confidence).toBeGreaterThan(0.9);
    // the one-shot function loads the same model and agrees
    expect(await classifyTextDirection(rotate180(crop))).toEqual(turned);
  });

  it('finds text in a tiny image by scaling it up for detection', async () => {
    const tiny = await load(sharedMedia('multi_line_text.jpg'), (s) =>
      s.extract({ left: 200, top: 80, width: 240, height: 95 }).resize(60, 24),
    );
    expect((await ocr.recognize(tiny)).text.toUpperCase()).toBe('MAKE');
  });

  it('leaves out the boxes when asked, keeping the text', async () => {
    const result = await ocr.recognize(await load(sharedMedia('multi_line_text.jpg')), {
      generateBoxes: false,
    });
    expect(result.lines).toEqual([]);
    expect(result.text.toUpperCase()).toContain('THIS DAY');
  });
});

describe('OcrModel lifecycle', () => {
  it('finds nothing in a blank image and refuses work after dispose', async () => {
    const ocr = await OcrModel.load({ intraOpThreads: 1 });
    const blank = { data: new Uint8Array(320 * 160 * 3).fill(255), width: 320, height: 160 };
    const result = await ocr.recognize(blank);
    expect(result).toMatchObject({ text: '', lines: [] });
    await ocr.dispose();
    await ocr.dispose();
    await expect(ocr.recognize(blank)).rejects.toMatchObject({ code: 'CORE_ERR_DISPOSED' });
  });

  it('refuses pixels that do not match the stated size', async () => {
    const ocr = await OcrModel.load({ intraOpThreads: 1 });
    try {
      const short = { data: new Uint8Array(10), width: 32, height: 32 };
      await expect(ocr.recognize(short)).rejects.toMatchObject({ code: 'CORE_ERR_INVALID_PARAMETER' });
      await expect(ocr.classifyTextDirection(short)).rejects.toMatchObject({
        code: 'CORE_ERR_INVALID_PARAMETER',
      });
    } finally {
      await ocr.dispose();
    }
  });

  it('rejects a detector size below one stride', async () => {
    await expect(OcrModel.load({ detMaxSide: 16 })).rejects.toMatchObject({
      code: 'CORE_ERR_INVALID_PARAMETER',
    });
  });
});
