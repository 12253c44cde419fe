import { ImageInputError } from '../errors.js';
import { assertByteLimit } from './decode.js';
import { sniffImageFormat } from './signature.js';

// Standard or URL-safe alphabet, padding only at the end. Whitespace is
// stripped first because MIME-wrapped base64 breaks lines every 76 chars.
const BASE64_RE = /^[A-Za-z0-9+/_-]*={0,2}$/;
const HAS_WHITESPACE_RE = /\s/;
const WHITESPACE_RE = /\s+/g;
const DATA_URL_RE = /^data:([^,]*?),/i;

/** The payload of a `data:` URL, or `undefined` when the string is not one. */
export function splitDataUrl(s: string): { base64: boolean; payload: string } | undefined {
  const m = DATA_URL_RE.exec(s);
  if (!m) return undefined;
  return { base64: /;base64$/i.test(m[1]), payload: s.slice(m[0].length) };
}

/** Strips whitespace and returns the base64 body when the string is well-formed base64, else `undefined`. */
export function normaliseBase64(s: string): string | undefined {
  const body = HAS_WHITESPACE_RE.test(s) ? s.replace(WHITESPACE_RE, '') : s;
  if (body.length === 0 || body.length % 4 === 1 || !BASE64_RE.test(body)) return undefined;
  // '=' may only pad to a multiple of 4.
  if (body.endsWith('=') && body.length % 4 !== 0) return undefined;
  return body;
}

/**
 * True when `s` is well-formed base64 whose first bytes carry a known image
 * signature. Only the head is decoded, so this is cheap on large strings.
 * @example looksLikeBase64Image('iVBORw0KGgoAAAANSUhEUg==') // true (a PNG header)
 */
export function looksLikeBase64Image(s: string): boolean {
  // Only the head is examined: the full string is validated when it is decoded.
  const head = normaliseBase64(s.slice(0, 128).replace(WHITESPACE_RE, '').slice(0, 64));
  if (head === undefined) return false;
  return sniffImageFormat(Buffer.from(head, 'base64')) !== undefined;
}

/**
 * Decodes base64 text (optionally a `data:` URL) to bytes, checking the byte
 * limit before decoding. Whether the bytes are an image is left to the decoder.
 * @example decodeBase64Image('data:image/png;base64,iVBORw0KGgo=').length // 8
 */
export function decodeBase64Image(s: string, maxBytes: number): Buffer {
  const data = splitDataUrl(s);
  if (data && !data.base64) {
    throw new ImageInputError(
      'CORE_ERR_IMAGE_BASE64',
      'The data URL is not base64-encoded (missing ";base64")',
    );
  }
  const text = data ? data.payload : s;
  if (text.trim().length === 0)
    throw new ImageInputError('CORE_ERR_IMAGE_EMPTY', 'The base64 image data is empty');
  const body = HAS_WHITESPACE_RE.test(text) ? text.replace(WHITESPACE_RE, '') : text;
  assertByteLimit(Math.floor((body.length * 3) / 4), maxBytes, 'base64 image');
  // Node's decoder skips characters outside the alphabet instead of failing, so a
  // result of the wrong length is how invalid input shows: a native-speed check,
  // unlike a regular expression over a multi-megabyte string.
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length !== base64DecodedLength(body)) {
    throw new ImageInputError('CORE_ERR_IMAGE_BASE64', 'The string is not valid base64');
  }
  if (bytes.length === 0)
    throw new ImageInputError('CORE_ERR_IMAGE_BASE64', 'The base64 string decodes to no bytes');
  return bytes;
}

/** Bytes that well-formed base64 text of this length (padding included or not) decodes to. */
function base64DecodedLength(body: string): number {
  let pad = 0;
  if (body.endsWith('==')) pad = 2;
  else if (body.endsWith('=')) pad = 1;
  const chars = body.length - pad;
  if (pad > 0 && body.length % 4 !== 0) return -1; // '=' may only pad to a multiple of 4
  if (chars % 4 === 1) return -1;
  return Math.floor((chars * 3) / 4);
}
