/** `@inference-ts/core/image`: read, decode and encode images. */
export { decodeBase64Image } from './internal/image/base64.js';
export { decodeImageBytes } from './internal/image/decode.js';
export { setDecoderCache } from './internal/image/decoder-cache.js';
export { type EncodeFormat, encodeImage } from './internal/image/encode.js';
export { loadImage } from './internal/image/load-image.js';
export { openImage, type PendingImage } from './internal/image/open-image.js';
export { type EncodedImageFormat, sniffImageFormat } from './internal/image/signature.js';
export type {
  DecodeHint,
  ImageInput,
  ImageLoadOptions,
  PixelFormat,
  RawFrame,
  RgbImage,
  UrlFetchOptions,
} from './internal/image/types.js';
