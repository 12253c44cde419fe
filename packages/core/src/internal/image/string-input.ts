import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ImageInputError } from '../errors.js';
import { decodeBase64Image, looksLikeBase64Image, normaliseBase64 } from './base64.js';
import { assertByteLimit } from './decode.js';
import { fetchImageBytes } from './fetch-url.js';
import type { ResolvedImageLoadOptions } from './limits.js';

/** Longest string worth trying as a path; longer ones are only ever base64. */
const MAX_PATH_LENGTH = 4096;
/** Base64 this long is never mistaken for a mistyped path. */
const SURELY_BASE64_LENGTH = 256;
const PATH_HINT_RE = /[\\/]|\.[A-Za-z0-9]{1,8}$|^~/;
const SCHEME_RE = /^([a-z][a-z0-9+.-]*):\/\//i;
const MISSING_FILE_CODES = new Set(['ENOENT', 'ENOTDIR', 'ENAMETOOLONG', 'EINVAL']);

const shorten = (s: string): string => (s.length > 120 ? `${s.slice(0, 117)}...` : s);
const refused = (what: string): ImageInputError =>
  new ImageInputError('CORE_ERR_IMAGE_INPUT_TYPE', `${what} are not accepted here`);

async function readFileInput(path: string, st: Stats, opts: ResolvedImageLoadOptions): Promise<Buffer> {
  if (st.isDirectory()) throw new ImageInputError('CORE_ERR_IMAGE_FILE', `${shorten(path)} is a directory`);
  // Devices and FIFOs could block or never end.
  if (!st.isFile())
    throw new ImageInputError('CORE_ERR_IMAGE_FILE', `${shorten(path)} is not a regular file`);
  assertByteLimit(st.size, opts.maxBytes, 'image file');
  try {
    return await readFile(path);
  } catch (err) {
    throw new ImageInputError('CORE_ERR_IMAGE_FILE', `Cannot read ${shorten(path)}`, { cause: err });
  }
}

/** Reads a file path, turning a missing file into `CORE_ERR_IMAGE_FILE`. */
export async function readImageFile(path: string, opts: ResolvedImageLoadOptions): Promise<Buffer> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    throw new ImageInputError('CORE_ERR_IMAGE_FILE', `Cannot read ${shorten(path)}`, { cause: err });
  }
  return readFileInput(path, st, opts);
}

/** Bytes behind a `URL` object: http(s) is fetched, `file:` is read from disk. */
export async function readUrlObject(url: URL, opts: ResolvedImageLoadOptions): Promise<Buffer> {
  if (url.protocol === 'file:') {
    if (!opts.allow.file) throw refused('File paths');
    return readImageFile(fileURLToPath(url), opts);
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    if (!opts.allow.url) throw refused('URLs');
    return fetchImageBytes(url, { ...opts.url, maxBytes: opts.maxBytes });
  }
  throw new ImageInputError(
    'CORE_ERR_IMAGE_URL',
    `The URL scheme ${url.protocol} is not supported; use http(s)`,
  );
}

/**
 * Interprets a string as a URL, a file path or base64 and returns its bytes.
 * A `scheme://` prefix means a URL and `data:` means base64; otherwise an
 * existing path wins, then base64 whose head decodes to a known image
 * signature. When nothing fits, the error names the most likely intent.
 */
export async function readStringInput(s: string, opts: ResolvedImageLoadOptions): Promise<Buffer> {
  if (!/\S/.test(s)) throw new ImageInputError('CORE_ERR_IMAGE_EMPTY', 'The image string is empty');
  const scheme = SCHEME_RE.exec(s);
  if (scheme) {
    let url: URL;
    try {
      url = new URL(s);
    } catch (err) {
      throw new ImageInputError('CORE_ERR_IMAGE_URL', `The URL is malformed: ${shorten(s)}`, { cause: err });
    }
    return readUrlObject(url, opts);
  }
  if (/^data:/i.test(s)) {
    if (!opts.allow.base64) throw refused('Base64 images');
    return decodeBase64Image(s, opts.maxBytes);
  }

  const pathCandidate = s.length <= MAX_PATH_LENGTH && !s.includes('\0');
  if (opts.allow.file && pathCandidate) {
    const st = await stat(s).catch((err: NodeJS.ErrnoException) => {
      if (MISSING_FILE_CODES.has(err.code ?? '')) return undefined;
      throw new ImageInputError('CORE_ERR_IMAGE_FILE', `Cannot read ${shorten(s)}`, { cause: err });
    });
    if (st) return readFileInput(s, st, opts);
  }
  if (opts.allow.base64 && looksLikeBase64Image(s)) return decodeBase64Image(s, opts.maxBytes);

  // Nothing fitted: report the most plausible intent. A separator, a file
  // extension or '~' hints at a path; long base64 is never read as one.
  const isBase64 = normaliseBase64(s) !== undefined;
  const pathLike = pathCandidate && PATH_HINT_RE.test(s) && (!isBase64 || s.length < SURELY_BASE64_LENGTH);
  if (pathLike && opts.allow.file)
    throw new ImageInputError('CORE_ERR_IMAGE_FILE', `No file at ${shorten(s)}`);
  if (isBase64 && opts.allow.base64) return decodeBase64Image(s, opts.maxBytes); // the decoder names the problem
  if (pathLike) throw refused('File paths');
  if (opts.allow.base64) throw new ImageInputError('CORE_ERR_IMAGE_BASE64', 'The string is not valid base64');
  if (isBase64) throw refused('Base64 images');
  throw new ImageInputError('CORE_ERR_IMAGE_INPUT_TYPE', 'The string is not an accepted image input');
}
