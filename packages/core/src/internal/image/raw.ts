import { ImageInputError } from '../errors.js';
import type { PixelFormat, RawFrame, RgbImage } from './types.js';

/** Bytes per pixel of each raw pixel layout. */
export const PIXEL_FORMAT_CHANNELS: Readonly<Record<PixelFormat, number>> = {
  rgb: 3,
  bgr: 3,
  rgba: 4,
  gray: 1,
};

const rawError = (message: string): never => {
  throw new ImageInputError('CORE_ERR_IMAGE_RAW_FRAME', message);
};

function checkSize(width: unknown, height: unknown): void {
  if (
    !Number.isSafeInteger(width) ||
    !Number.isSafeInteger(height) ||
    (width as number) <= 0 ||
    (height as number) <= 0
  ) {
    rawError(`width and height must be positive integers, got ${String(width)}x${String(height)}`);
  }
}

/** A `Uint8Array` view of byte data without copying (accepts `Uint8ClampedArray` and `Buffer`). */
function bytesOf(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof Uint8ClampedArray) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return rawError('data must be a Uint8Array, Uint8ClampedArray or Buffer');
}

/**
 * Checks that an `RgbImage` is consistent (positive integer size, `data` of
 * exactly `width * height * 3` bytes) and returns it unchanged.
 * @example validateRgbImage({ data: new Uint8Array(12), width: 2, height: 2 }) // same object
 */
export function validateRgbImage(image: RgbImage): RgbImage {
  checkSize(image.width, image.height);
  const data = bytesOf(image.data);
  const expected = image.width * image.height * 3;
  if (data.length !== expected) {
    rawError(`RGB image of ${image.width}x${image.height} needs ${expected} bytes, got ${data.length}`);
  }
  return data === image.data ? image : { data, width: image.width, height: image.height };
}

/** Swaps the first and third byte of every 3-byte pixel into a new buffer. */
export function bgrToRgb(src: Uint8Array, out: Uint8Array = new Uint8Array(src.length)): Uint8Array {
  for (let i = 0; i < src.length; i += 3) {
    out[i] = src[i + 2];
    out[i + 1] = src[i + 1];
    out[i + 2] = src[i];
  }
  return out;
}

/** Drops every fourth byte (alpha), as OpenCV does for a 4-channel image read in colour. */
export function rgbaToRgb(
  src: Uint8Array,
  out: Uint8Array = new Uint8Array((src.length / 4) * 3),
): Uint8Array {
  for (let i = 0, o = 0; i < src.length; i += 4, o += 3) {
    out[o] = src[i];
    out[o + 1] = src[i + 1];
    out[o + 2] = src[i + 2];
  }
  return out;
}

/** Repeats every grey byte into R, G and B. */
export function grayToRgb(src: Uint8Array, out: Uint8Array = new Uint8Array(src.length * 3)): Uint8Array {
  for (let i = 0, o = 0; i < src.length; i++, o += 3) {
    const v = src[i];
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
  }
  return out;
}

/** Grey plus alpha (2 bytes per pixel) to RGB, alpha dropped. */
export function grayAlphaToRgb(
  src: Uint8Array,
  out: Uint8Array = new Uint8Array((src.length / 2) * 3),
): Uint8Array {
  for (let i = 0, o = 0; i < src.length; i += 2, o += 3) {
    const v = src[i];
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
  }
  return out;
}

/**
 * Converts a raw frame to interleaved RGB in one pass, without sharp. An `rgb`
 * frame is returned as a view over the caller's bytes (no copy): do not
 * mutate the frame afterwards if the result is still in use.
 * @example
 * rawFrameToRgb({ data: Uint8Array.of(3, 2, 1), width: 1, height: 1, format: 'bgr' }).data // [1, 2, 3]
 */
export function rawFrameToRgb(frame: RawFrame): RgbImage {
  const { width, height, format } = frame;
  checkSize(width, height);
  if (typeof format !== 'string' || !Object.hasOwn(PIXEL_FORMAT_CHANNELS, format)) {
    rawError(`unknown pixel format ${JSON.stringify(format)}; expected rgb, bgr, rgba or gray`);
  }
  const channels = PIXEL_FORMAT_CHANNELS[format];
  const data = bytesOf(frame.data);
  const expected = width * height * channels;
  if (data.length !== expected) {
    rawError(`${format} frame of ${width}x${height} needs ${expected} bytes, got ${data.length}`);
  }
  switch (format) {
    case 'rgb':
      return { data, width, height };
    case 'bgr':
      return { data: bgrToRgb(data), width, height };
    case 'rgba':
      return { data: rgbaToRgb(data), width, height };
    default:
      return { data: grayToRgb(data), width, height };
  }
}

/**
 * Turns sharp's raw output (1 to 4 channels, 8-bit) into an `RgbImage`,
 * reusing sharp's buffer when it already holds 3 channels.
 * @example imageFromSharpRaw(await sharp(png).raw().toBuffer({ resolveWithObject: true }))
 */
export function imageFromSharpRaw(raw: {
  data: Uint8Array;
  info: { width: number; height: number; channels: number };
}): RgbImage {
  const { data, info } = raw;
  const { width, height, channels } = info;
  checkSize(width, height);
  if (data.length !== width * height * channels) {
    rawError(`sharp output of ${width}x${height}x${channels} has ${data.length} bytes`);
  }
  switch (channels) {
    case 3:
      return { data, width, height };
    case 4:
      return { data: rgbaToRgb(data), width, height };
    case 1:
      return { data: grayToRgb(data), width, height };
    case 2:
      return { data: grayAlphaToRgb(data), width, height };
    default:
      return rawError(`sharp output has ${channels} channels`);
  }
}
