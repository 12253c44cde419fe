import { ImageInputError } from '../errors.js';
import { decodeWithOptions } from './decode.js';
import { resolveImageLoadOptions } from './limits.js';
import { rawFrameToRgb, validateRgbImage } from './raw.js';
import { readStringInput, readUrlObject } from './string-input.js';
import type { ImageInput, ImageLoadOptions, RawFrame, RgbImage } from './types.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'no prototype'})`;
  return `a ${typeof value}`;
}

/**
 * Turns any supported input into interleaved 8-bit RGB pixels:
 * encoded bytes, a file path, an http(s) URL (string or `URL`), base64 (with
 * or without a `data:` prefix), a raw frame (`rgb`/`bgr`/`rgba`/`gray`) or an
 * `RgbImage`, which passes through after validation. Every failure is an
 * `ImageInputError` with a `CORE_ERR_IMAGE_*` code.
 * @example
 * const image = await loadImage('/work/shared/media/dog.jpg');
 * image.width; // 768
 * image.data.length; // 768 * 576 * 3
 */
export async function loadImage(input: ImageInput, options?: ImageLoadOptions): Promise<RgbImage> {
  const opts = resolveImageLoadOptions(options);
  if (input instanceof Uint8Array) return decodeWithOptions(input, opts);
  if (typeof input === 'string') return decodeWithOptions(await readStringInput(input, opts), opts);
  if (input instanceof URL) return decodeWithOptions(await readUrlObject(input, opts), opts);
  if (
    typeof input === 'object' &&
    input !== null &&
    'data' in input &&
    'width' in input &&
    'height' in input
  ) {
    const format = (input as Partial<RawFrame>).format;
    return format === undefined ? validateRgbImage(input as RgbImage) : rawFrameToRgb(input as RawFrame);
  }
  throw new ImageInputError(
    'CORE_ERR_IMAGE_INPUT_TYPE',
    `Expected bytes, a string, a URL, a raw frame or an RGB image; got ${describe(input)}`,
  );
}
