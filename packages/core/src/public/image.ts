/** `@inference-ts/core/image`: read, decode and encode images. */
export { decodeBase64Image } from '../image/base64.js';
export { decodeImageBytes } from '../image/decode.js';
export { setDecoderCache } from '../image/decoder-cache.js';
export { type EncodeFormat, encodeImage } from '../image/encode.js';
export { loadImage } from '../image/load-image.js';
export { openImage, type PendingImage } from '../image/open-image.js';
export { type EncodedImageFormat, sniffImageFormat } from '../image/signature.js';
export type {
  DecodeHint,
  ImageInput,
  ImageLoadOptions,
  PixelFormat,
  RawFrame,
  RgbImage,
  UrlFetchOptions,
} from '../image/types.js';
