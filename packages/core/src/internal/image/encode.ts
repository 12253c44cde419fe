import sharp from 'sharp';
import { ImageInputError, InferenceError } from '../errors.js';
import { validateRgbImage } from './raw.js';
import type { RgbImage } from './types.js';

/** Formats `encodeImage` writes. */
export type EncodeFormat = 'jpeg' | 'png';

/**
 * Encodes RGB pixels as JPEG (quality 1-100, default 90) or PNG.
 * @example const jpeg = await encodeImage(image, 'jpeg', 80); // Buffer starting ff d8 ff
 */
export async function encodeImage(image: RgbImage, format: EncodeFormat, quality = 90): Promise<Buffer> {
  const { data, width, height } = validateRgbImage(image);
  if (format !== 'jpeg' && format !== 'png') {
    throw new InferenceError('CORE_ERR_INVALID_PARAMETER', `Unknown encode format ${JSON.stringify(format)}`);
  }
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new InferenceError(
      'CORE_ERR_INVALID_PARAMETER',
      `JPEG quality must be an integer 1-100, got ${quality}`,
    );
  }
  try {
    const pipeline = sharp(data, { raw: { width, height, channels: 3 } });
    return await (format === 'jpeg' ? pipeline.jpeg({ quality }) : pipeline.png()).toBuffer();
  } catch (err) {
    throw new ImageInputError('CORE_ERR_IMAGE_ENCODE', `Encoding ${format} failed`, { cause: err });
  }
}
