import type { DecodeHint, ImageInput, ImageLoadOptions } from '@inference-ts/core';
import { openImage, type PendingImage } from '@inference-ts/core/image';
import { ServerError } from '../errors.js';
import type { ResolvedServerOptions } from '../options.js';
import { atImage } from './image-errors.js';

/** An image as a request declares it (contract §2 `InferenceRequestImage`). */
export interface RequestImage {
  type: string;
  value?: unknown;
}

/** Where the bytes of one request image come from, already checked against the server policy. */
export type ImageSource =
  | { kind: 'base64'; value: string }
  | { kind: 'url'; value: string }
  | { kind: 'file'; value: string }
  | { kind: 'bytes'; value: Buffer };

const refused = (what: string, setting: string) =>
  new ServerError('SERVER_ERR_IMAGE_TYPE', `${what} are not allowed on this server (see ${setting}).`);

/** Strips one pair of JSON quotes around a raw body (`"<base64>"` sent as JSON). */
export function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Checks a request's image list against the policy: not more images than the server takes at once. */
export function toImageSources(images: readonly RequestImage[], opts: ResolvedServerOptions): ImageSource[] {
  if (images.length > opts.images.maxPerRequest) {
    throw new ServerError(
      'SERVER_ERR_TOO_MANY_IMAGES',
      `The request holds ${images.length} images; this server takes at most ${opts.images.maxPerRequest} at once (MAX_BATCH_SIZE).`,
    );
  }
  if (images.length === 1) return [toImageSource(images[0], opts)];
  return images.map((image, i) => {
    try {
      return toImageSource(image, opts);
    } catch (e) {
      throw atImage(e, i, images.length);
    }
  });
}

/** Checks a declared image against the policy: the type is case-insensitive; numpy is never accepted. */
export function toImageSource(image: RequestImage, opts: ResolvedServerOptions): ImageSource {
  const type = String(image.type).toLowerCase();
  const value = image.value;
  switch (type) {
    case 'base64':
      if (typeof value !== 'string')
        throw new ServerError('SERVER_ERR_IMAGE_TYPE', 'A base64 image value must be a string.');
      return { kind: 'base64', value };
    case 'url':
      if (!opts.images.allowUrl) throw refused('Image URLs', 'ALLOW_URL_INPUT');
      if (typeof value !== 'string')
        throw new ServerError('SERVER_ERR_IMAGE_TYPE', 'A URL image value must be a string.');
      return { kind: 'url', value };
    case 'file':
      if (!opts.images.allowFile)
        throw refused('Server-side image files', 'ALLOW_LOADING_IMAGES_FROM_LOCAL_FILESYSTEM');
      if (typeof value !== 'string')
        throw new ServerError('SERVER_ERR_IMAGE_TYPE', 'A file image value must be a path string.');
      return { kind: 'file', value };
    case 'numpy':
      throw refused('Pickled numpy images', 'ALLOW_NUMPY_INPUT, which is not supported');
    default:
      throw new ServerError('SERVER_ERR_IMAGE_TYPE');
  }
}

/**
 * Reads a checked source and its image header, not its pixels: the caller
 * learns what the decode will hold (`decodedPixels`) before `decode()`.
 * Each kind may only be read as itself: a base64 value that looks like a URL
 * or path is not fetched or opened.
 */
export function openImageSource(
  src: ImageSource,
  opts: ResolvedServerOptions,
  autoOrient: boolean,
  decodeHint?: DecodeHint,
): Promise<PendingImage> {
  const base: ImageLoadOptions = {
    autoOrient,
    decodeHint,
    maxBytes: opts.images.maxBytes,
    maxPixels: opts.images.maxPixels,
    url: {
      timeoutMs: opts.images.urlTimeoutMs,
      maxRedirects: opts.images.maxRedirects,
      allowHttp: opts.images.allowHttpUrls,
      allowPrivateAddresses: opts.images.allowPrivateUrls,
    },
  };
  let input: ImageInput;
  let allow: NonNullable<ImageLoadOptions['allow']>;
  switch (src.kind) {
    case 'bytes':
      return openImage(src.value, base);
    case 'base64':
      input = src.value;
      allow = { base64: true, url: false, file: false };
      break;
    case 'url': {
      try {
        input = new URL(src.value);
      } catch {
        throw new ServerError('SERVER_ERR_IMAGE_TYPE', 'The image URL is malformed.');
      }
      allow = { base64: false, url: true, file: false };
      break;
    }
    case 'file':
      input = src.value;
      allow = { base64: false, url: false, file: true };
      break;
  }
  return openImage(input, { ...base, allow });
}
