/** Pixel layouts a raw frame may arrive in. */
export type PixelFormat = 'rgb' | 'bgr' | 'rgba' | 'gray';

/**
 * A decoded image: interleaved 8-bit RGB, row-major, no padding.
 * `data.length === width * height * 3`.
 */
export interface RgbImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /**
   * Size of the encoded image when it was decoded at a reduced size (see
   * `ImageLoadOptions.decodeHint`); absent when `width`/`height` are the full size.
   */
  readonly sourceWidth?: number;
  readonly sourceHeight?: number;
}

/**
 * What the pixels are for, so a large JPEG may be decoded at 1/2, 1/4 or 1/8
 * scale in the DCT domain (much faster, and no less detail than the network
 * samples). 'contain': the image is fitted inside the size (letterbox);
 * 'cover': it fills the size (stretch, centre crop).
 */
export interface DecodeHint {
  width: number;
  height: number;
  fit: 'contain' | 'cover';
}

/** A raw frame handed in by the caller (e.g. a video decoder). */
export interface RawFrame {
  data: Uint8Array | Uint8ClampedArray | Buffer;
  width: number;
  height: number;
  format: PixelFormat;
}

/**
 * Everything `loadImage` accepts:
 * - `Buffer`/`Uint8Array`: encoded bytes (JPEG, PNG, WebP, GIF first frame, TIFF, BMP...)
 * - `string`: a file path, an `http(s)://` URL, or base64 (with or without a `data:` prefix)
 * - `RawFrame`: already-decoded pixels
 * - `RgbImage`: passes through unchanged
 */
export type ImageInput = Buffer | Uint8Array | string | RawFrame | RgbImage | URL;

/** Limits and switches for turning input into pixels. */
export interface ImageLoadOptions {
  /** Apply EXIF orientation (default true). */
  autoOrient?: boolean;
  /** Refuse images with more pixels than this (default 100 megapixels). */
  maxPixels?: number;
  /** Refuse encoded inputs larger than this many bytes (default 50 MiB). */
  maxBytes?: number;
  /** How string inputs may be interpreted. Default: all allowed. */
  allow?: { file?: boolean; url?: boolean; base64?: boolean };
  /** URL fetching limits. */
  url?: UrlFetchOptions;
  /** Allow a reduced-size decode of large JPEGs for a network of this size (default: full size). */
  decodeHint?: DecodeHint;
}

export interface UrlFetchOptions {
  /** Total time for the download in ms (default 10 000). */
  timeoutMs?: number;
  /** Maximum redirects followed (default 5). */
  maxRedirects?: number;
  /** Allow plain http:// (default true in the native API; the server turns it off). */
  allowHttp?: boolean;
  /** Allow private, loopback and link-local addresses (default true in the native API; the server turns it off). */
  allowPrivateAddresses?: boolean;
}
