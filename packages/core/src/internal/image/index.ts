export { isPrivateAddress } from './address.js';
export { decodeBase64Image, looksLikeBase64Image } from './base64.js';
export { decodeBmp } from './bmp.js';
export { decodeImageBytes } from './decode.js';
export { setDecoderCache } from './decoder-cache.js';
export { type EncodeFormat, encodeImage } from './encode.js';
export { type FetchLimits, fetchImageBytes } from './fetch-url.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_PIXELS,
  DEFAULT_MAX_REDIRECTS,
  DEFAULT_URL_TIMEOUT_MS,
  type ResolvedImageLoadOptions,
  resolveImageLoadOptions,
} from './limits.js';
export { loadImage } from './load-image.js';
export { openImage, type PendingImage } from './open-image.js';
export {
  bgrToRgb,
  grayToRgb,
  imageFromSharpRaw,
  PIXEL_FORMAT_CHANNELS,
  rawFrameToRgb,
  rgbaToRgb,
  validateRgbImage,
} from './raw.js';
export { type EncodedImageFormat, sniffImageFormat } from './signature.js';
export type {
  DecodeHint,
  ImageInput,
  ImageLoadOptions,
  PixelFormat,
  RawFrame,
  RgbImage,
  UrlFetchOptions,
} from './types.js';
