import { InferenceError } from '../errors.js';
import type { DecodeHint, ImageLoadOptions } from './types.js';

/** Default pixel limit for encoded inputs: 100 megapixels. */
export const DEFAULT_MAX_PIXELS = 100_000_000;
/** Default byte limit for encoded inputs: 50 MiB. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** Default total time for a URL download. */
export const DEFAULT_URL_TIMEOUT_MS = 10_000;
/** Default number of redirects a URL download follows. */
export const DEFAULT_MAX_REDIRECTS = 5;

/** `ImageLoadOptions` with every default filled in and every number checked. */
export interface ResolvedImageLoadOptions {
  autoOrient: boolean;
  maxPixels: number;
  maxBytes: number;
  allow: { file: boolean; url: boolean; base64: boolean };
  url: { timeoutMs: number; maxRedirects: number; allowHttp: boolean; allowPrivateAddresses: boolean };
  decodeHint?: DecodeHint;
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && !Number.isNaN(value) && (allowZero ? value >= 0 : value > 0);
  if (!ok)
    throw new InferenceError(
      'CORE_ERR_INVALID_PARAMETER',
      `${name} must be a positive number, got ${String(value)}`,
    );
  return value;
}

/**
 * Fills defaults into image load options and rejects nonsensical limits.
 * @example resolveImageLoadOptions({ maxBytes: 1024 }).maxPixels // 100_000_000
 */
export function resolveImageLoadOptions(options: ImageLoadOptions = {}): ResolvedImageLoadOptions {
  const url = options.url ?? {};
  return {
    autoOrient: options.autoOrient !== false,
    maxPixels: positive('maxPixels', options.maxPixels, DEFAULT_MAX_PIXELS),
    maxBytes: positive('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES),
    allow: {
      file: options.allow?.file !== false,
      url: options.allow?.url !== false,
      base64: options.allow?.base64 !== false,
    },
    url: {
      timeoutMs: positive('url.timeoutMs', url.timeoutMs, DEFAULT_URL_TIMEOUT_MS),
      maxRedirects: Math.floor(positive('url.maxRedirects', url.maxRedirects, DEFAULT_MAX_REDIRECTS, true)),
      allowHttp: url.allowHttp !== false,
      allowPrivateAddresses: url.allowPrivateAddresses !== false,
    },
    ...(options.decodeHint ? { decodeHint: options.decodeHint } : {}),
  };
}
