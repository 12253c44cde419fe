import { encodeBase64, looksLikeBase64 } from './base64.js';
import { InvalidInputFormatError } from './errors.js';
import type { WireInferenceRequestImage } from './wire.js';

/**
 * What the client accepts as an image:
 * - a file path (Node only), an `http(s)://` URL (downloaded by the client) or a base64 string
 *   (a `data:image/...;base64,` prefix is stripped);
 * - bytes: `Uint8Array` (so Node `Buffer`), `ArrayBuffer` or `Blob`;
 * - a ready wire image `{ type: 'url' | 'base64', value }`, sent as is (the escape hatch that lets
 *   the server download a URL itself).
 */
export type ImageInput = string | Uint8Array | ArrayBuffer | Blob | WireInferenceRequestImage;

const DATA_URL_PREFIX = /^data:[^,]*;base64,/i;
/** Longer strings are never treated as paths; avoids a filesystem call per large base64 image. */
const MAX_PATH_LENGTH = 4096;

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

type FsPromises = typeof import('node:fs/promises');

/** Loaded on first use only, through a variable specifier so that browser bundlers leave it alone. */
async function loadFs(): Promise<FsPromises> {
  const specifier = 'node:fs/promises';
  return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as FsPromises;
}

async function readFileIfExists(path: string): Promise<Uint8Array | undefined> {
  if (!isNode() || path.length > MAX_PATH_LENGTH) return undefined;
  const fs = await loadFs();
  try {
    const st = await fs.stat(path);
    if (!st.isFile()) return undefined;
  } catch {
    return undefined;
  }
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (e) {
    throw new InvalidInputFormatError(`Cannot read image file ${path}`, { cause: e });
  }
}

/** A stalled image host must not hang `infer` (the request timeout covers only the server call). */
const IMAGE_DOWNLOAD_TIMEOUT_MS = 30_000;

async function download(url: string, fetchFn: typeof fetch): Promise<Uint8Array> {
  const signal = AbortSignal.timeout(IMAGE_DOWNLOAD_TIMEOUT_MS);
  try {
    const res = await fetchFn(url, { signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new InvalidInputFormatError(`Cannot download image from ${url}: HTTP ${res.status}`);
    }
    return new Uint8Array(await res.arrayBuffer());
  } catch (e) {
    if (e instanceof InvalidInputFormatError) throw e;
    throw new InvalidInputFormatError(`Cannot download image from ${url}`, { cause: e });
  }
}

function isWireImage(x: unknown): x is WireInferenceRequestImage {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as { type?: unknown; value?: unknown };
  return (o.type === 'url' || o.type === 'base64') && typeof o.value === 'string';
}

async function encodeString(input: string, fetchFn: typeof fetch): Promise<string> {
  if (/^https?:\/\//i.test(input)) return encodeBase64(await download(input, fetchFn));
  const dataUrl = DATA_URL_PREFIX.exec(input);
  if (dataUrl) return input.slice(dataUrl[0].length);
  const file = await readFileIfExists(input);
  if (file) return encodeBase64(file);
  if (looksLikeBase64(input)) return input;
  const what = isNode() ? 'an existing file, an http(s) URL or base64' : 'an http(s) URL or base64';
  throw new InvalidInputFormatError(`The string input is not ${what}: ${input.slice(0, 80)}`);
}

/**
 * Turns one input into the wire image object. Like the Python client, everything but the
 * explicit wire-image escape hatch is sent as base64.
 * @example
 * await toWireImage(new Uint8Array([1, 2, 3]), fetch) // { type: 'base64', value: 'AQID' }
 */
export async function toWireImage(
  input: ImageInput,
  fetchFn: typeof fetch,
): Promise<WireInferenceRequestImage> {
  if (typeof input === 'string') return { type: 'base64', value: await encodeString(input, fetchFn) };
  if (input instanceof Uint8Array) return { type: 'base64', value: encodeBase64(input) };
  if (input instanceof ArrayBuffer) return { type: 'base64', value: encodeBase64(new Uint8Array(input)) };
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    return { type: 'base64', value: encodeBase64(new Uint8Array(await input.arrayBuffer())) };
  }
  if (isWireImage(input)) return { type: input.type, value: input.value };
  throw new InvalidInputFormatError(
    'Unsupported image input: expected a path, URL, base64 string, Uint8Array, ArrayBuffer, Blob or {type, value}',
  );
}
