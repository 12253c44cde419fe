const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

interface BufferLike {
  from(data: ArrayBuffer, byteOffset: number, length: number): { toString(encoding: 'base64'): string };
}

/** Standard base64 (with padding) in plain JS, for runtimes without `Buffer` (browsers). */
export function encodeBase64Portable(bytes: Uint8Array): string {
  const parts: string[] = [];
  // Build in slices so that very large images do not create one huge intermediate array.
  const SLICE = 3 * 16_384;
  for (let start = 0; start < bytes.length; start += SLICE) {
    const end = Math.min(start + SLICE, bytes.length);
    let s = '';
    let i = start;
    for (; i + 2 < end; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      s += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
    }
    if (i < end) {
      const rest = end - i;
      const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
      s += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + (rest === 2 ? ALPHABET[(n >> 6) & 63] : '=') + '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

/**
 * Base64-encodes bytes; uses Node's `Buffer` when present (fast), else {@link encodeBase64Portable}.
 * @example
 * encodeBase64(new Uint8Array([104, 105])) // 'aGk='
 */
export function encodeBase64(bytes: Uint8Array): string {
  const B = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (B) return B.from(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return encodeBase64Portable(bytes);
}

const BASE64_RE = /^[A-Za-z0-9+/\-_\s]*={0,2}\s*$/;

/** True when `s` looks like (standard or URL-safe) base64 text. */
export function looksLikeBase64(s: string): boolean {
  return s.length > 0 && BASE64_RE.test(s);
}
