import { InferenceError } from '@inference-ts/core';
import { ServerError } from '../errors.js';

/**
 * The same error, naming which image of a batch failed (`image[1] of 3: ...`, 0-based);
 * an error with no usable message says what failed instead of "Unknown error".
 */
export function atImage(error: unknown, index: number, count: number): unknown {
  const raw = error instanceof Error ? error.message.trim() : '';
  // libvips sometimes gives no reason ("Unknown error"): say what is known instead
  const message =
    raw === '' || /^unknown error\.?$/i.test(raw)
      ? 'the image could not be read'
      : raw.replace(/unknown error\.?$/i, 'the decoder gave no reason (corrupt or unsupported data)');
  const where = `image[${index}] of ${count}`;
  if (error instanceof InferenceError)
    return new InferenceError(error.code, `${where}: ${message}`, { cause: error, details: error.details });
  if (error instanceof ServerError)
    return new ServerError(error.code, `${where}: ${message}`, {
      cause: error,
      retryAfter: error.retryAfter,
    });
  return new InferenceError('CORE_ERR_IMAGE_DECODE', `${where}: ${message}`, { cause: error });
}
