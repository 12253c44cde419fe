import { loadImage } from '../image/load-image.js';
import type { DecodeHint, ImageInput, RgbImage } from '../image/types.js';
import { type StageTimings, zeroTimings } from '../results/timings.js';
import type { InferOptions } from './types.js';

/**
 * Decode a request's inputs in parallel (sharp decodes off the main thread),
 * timing each; EXIF orientation unless the request or the model turns it off.
 */
export async function decodeInputs(
  inputs: readonly ImageInput[],
  options: InferOptions,
  model: { decodeHint?: DecodeHint; autoOrient?: boolean } = {},
): Promise<{ images: RgbImage[]; timings: StageTimings[] }> {
  const timings = inputs.map(() => zeroTimings());
  const autoOrient =
    !options.disablePreprocAutoOrient && (options.image?.autoOrient ?? model.autoOrient ?? true);
  const images = await Promise.all(
    inputs.map(async (input, i) => {
      const t0 = performance.now();
      const image = await loadImage(input, { decodeHint: model.decodeHint, ...options.image, autoOrient });
      timings[i].decode = performance.now() - t0;
      return image;
    }),
  );
  return { images, timings };
}
