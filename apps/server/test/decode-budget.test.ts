import { encodeImage } from '@inference-ts/core';
import { describe, expect, it } from 'vitest';
import { GatedEngine, testEngineOptions, testServer, until } from './helpers.js';

/** A PNG of zeros: a few hundred bytes that decode to width x height pixels. */
async function zeroPng(width: number, height: number): Promise<string> {
  const png = await encodeImage({ data: new Uint8Array(width * height * 3), width, height }, 'png');
  return png.toString('base64');
}

// classifier/1 is a 32x32 'stretch' model: an image under 64 pixels on its short side is decoded at
// full size, so a 60x100 image holds exactly 6000 pixels.
const image = async (w = 60, h = 100) => ({ type: 'base64', value: await zeroPng(w, h) });

describe('decoded-pixel budget', () => {
  it('counts a batch as the sum of its images: over the budget is 413 before decoding, at or under is served', async () => {
    const app = await testServer({ decodeBudget: { maxPixels: 20_000, waitMs: 60_000 } });
    try {
      const one = await image();
      const three = await app.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: [one, one, one] },
      });
      expect(three.statusCode).toBe(200);
      // each image alone fits (6000 <= 20000); four together (24000) never can
      const four = await app.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: [one, one, one, one] },
      });
      expect(four.statusCode).toBe(413);
      expect(four.json().message).toMatch(/24000 pixels.*at most 20000.*MAX_DECODED_PIXELS/);
      await until(() => app.services.pixels.inUse === 0, 'pixels released');
      const metrics = (await app.inject({ url: '/metrics' })).body;
      expect(metrics).toMatch(/inference_decoded_pixels\{state="capacity"\} 20000/);
      expect(metrics).toMatch(/inference_decoded_pixels\{state="in_use"\} 0/);
    } finally {
      await app.close();
    }
  });

  it('charges a large image what it decodes to: a 16 Mpx PNG for a 32x32 model is served under a 0.1 Mpx budget', async () => {
    const app = await testServer({ decodeBudget: { maxPixels: 100_000, waitMs: 0 } });
    try {
      const bomb = await image(4000, 4000);
      const res = await app.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: bomb },
      });
      expect(res.statusCode).toBe(200);
      // the answer still speaks of the full image
      expect(res.json()).toMatchObject({ image: { width: 4000, height: 4000 } });
      // a visualisation needs the full image (twice: the drawing is a copy), which this budget never holds
      const drawn = await app.inject({
        method: 'POST',
        url: '/infer/classification',
        payload: { model_id: 'classifier/1', image: bomb, visualize_predictions: true },
      });
      expect(drawn.statusCode).toBe(413);
      expect(drawn.json().message).toMatch(/32000000 pixels/);
    } finally {
      await app.close();
    }
  });

  it('a request that does not fit now waits for room (across requests), or gets 503 + Retry-After when none frees in time', async () => {
    const engine = new GatedEngine(testEngineOptions());
    const waiting = await testServer({ engine, decodeBudget: { maxPixels: 20_000, waitMs: 60_000 } });
    const refusing = await testServer({ engine, decodeBudget: { maxPixels: 20_000, waitMs: 0 } });
    try {
      const one = await image();
      const batch = { model_id: 'classifier/1', image: [one, one, one] };
      const single = { model_id: 'classifier/1', image: one };
      for (const app of [waiting, refusing]) {
        // 18000 pixels held at the gate: 6000 more do not fit until they are released
        const first = app.inject({ method: 'POST', url: '/infer/classification', payload: batch });
        await until(() => app.services.pixels.inUse === 18_000, 'the batch holding its pixels');
        const second = app.inject({ method: 'POST', url: '/infer/classification', payload: single });
        if (app === waiting) {
          await until(() => app.services.pixels.waiting === 1, 'the second request waiting for pixels');
          engine.open();
          expect((await first).statusCode).toBe(200);
          expect((await second).statusCode).toBe(200);
        } else {
          const refused = await second;
          expect(refused.statusCode).toBe(503);
          expect(refused.headers['retry-after']).toBe('1');
          expect(refused.json().message).toMatch(/Retry later/);
          engine.open();
          expect((await first).statusCode).toBe(200);
        }
        engine.close();
        await until(() => app.services.pixels.inUse === 0, 'pixels released');
      }
    } finally {
      engine.open();
      await waiting.close();
      await refusing.close();
      await engine.dispose();
    }
  });
});
