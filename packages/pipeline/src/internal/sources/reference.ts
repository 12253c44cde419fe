import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PipelineError } from '../errors.js';
import type { InputKind } from '../ffmpeg/input-args.js';
import { redactText } from '../ffmpeg/redact.js';
import type { FrameProducer, SourceReference } from './types.js';

/** A reference after classification. */
export type ResolvedReference =
  | { kind: 'ffmpeg'; input: string; inputKind: InputKind; live: boolean; display: string }
  | { kind: 'images'; files: string[]; display: string }
  | { kind: 'producer'; producer: FrameProducer; display: string };

const IMAGE_EXTENSIONS = /\.(jpe?g|png|bmp|webp|tiff?|gif|ppm)$/i;
const GLOB_CHARS = /[*?[]/;
const collator = new Intl.Collator('en', { numeric: true });

function urlKind(url: string): { inputKind: InputKind } | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  if (scheme === 'rtsp' || scheme === 'rtsps') return { inputKind: 'rtsp' };
  if (scheme === 'rtmp' || scheme === 'rtmps') return { inputKind: 'rtmp' };
  if (scheme === 'http' || scheme === 'https') {
    const path = url.split(/[?#]/)[0];
    return { inputKind: /\.m3u8$/i.test(path) ? 'hls' : 'http' };
  }
  if (scheme === 'file') return undefined;
  // Anything else (ftp, srt, udp, ...) would be retried forever as a live stream: refuse it now.
  throw new PipelineError(
    'PIPE_ERR_SOURCE_REFERENCE',
    `${scheme}:// sources are not supported (use rtsp, rtsps, rtmp, rtmps, http, https, file:// or a path)`,
    { details: { scheme } },
  );
}

/** Glob with wildcards (`*`, `?`, `[...]`) in the file name only, e.g. `frames/*.jpg`. */
async function expandGlob(pattern: string): Promise<string[]> {
  const dir = dirname(pattern);
  if (GLOB_CHARS.test(dir)) {
    throw new PipelineError(
      'PIPE_ERR_SOURCE_REFERENCE',
      `Wildcards are supported in the file name only: ${pattern}`,
    );
  }
  const source = basename(pattern)
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  const re = new RegExp(`^${source}$`);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new PipelineError('PIPE_ERR_SOURCE_NOT_FOUND', `No such directory: ${dir}`, { cause: e });
  }
  return names
    .filter((n) => re.test(n))
    .sort(collator.compare)
    .map((n) => join(dir, n));
}

async function listImages(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .filter((n) => IMAGE_EXTENSIONS.test(n))
    .sort(collator.compare)
    .map((n) => join(dir, n));
}

/**
 * Classifies a reference: URL (rtsp/rtmp/http(s)/HLS/other ffmpeg protocols),
 * webcam index or `/dev/video*`, image directory or glob, video file, or a producer.
 * HTTP(S) URLs are live unless `isFile` says otherwise (a remote .mp4 is
 * then read without reconnection).
 * @throws PipelineError `PIPE_ERR_SOURCE_NOT_FOUND` | `PIPE_ERR_SOURCE_REFERENCE`
 */
export async function resolveReference(
  reference: SourceReference,
  isFile?: boolean,
): Promise<ResolvedReference> {
  if (typeof reference === 'number') {
    if (!Number.isInteger(reference) || reference < 0) {
      throw new PipelineError(
        'PIPE_ERR_SOURCE_REFERENCE',
        `A webcam index must be a non-negative integer: ${reference}`,
      );
    }
    const device = `/dev/video${reference}`;
    return { kind: 'ffmpeg', input: device, inputKind: 'webcam', live: true, display: device };
  }
  if (typeof reference !== 'string') {
    const ok =
      typeof reference === 'function' ||
      (typeof reference === 'object' &&
        reference !== null &&
        (Symbol.asyncIterator in reference || Symbol.iterator in reference));
    if (!ok)
      throw new PipelineError('PIPE_ERR_SOURCE_REFERENCE', 'The video reference is not a supported kind.');
    return { kind: 'producer', producer: reference, display: 'producer' };
  }
  const display = redactText(reference);
  if (reference.trim() === '')
    throw new PipelineError('PIPE_ERR_SOURCE_REFERENCE', 'The video reference is empty.');
  const url = urlKind(reference);
  if (url) {
    return { kind: 'ffmpeg', input: reference, inputKind: url.inputKind, live: isFile !== true, display };
  }
  const path = reference.toLowerCase().startsWith('file://') ? fileURLToPath(reference) : resolve(reference);
  if (/^\/dev\/video\d+$/.test(path)) {
    return { kind: 'ffmpeg', input: path, inputKind: 'webcam', live: true, display: path };
  }
  if (GLOB_CHARS.test(basename(path)) || GLOB_CHARS.test(dirname(path))) {
    const files = await expandGlob(path);
    if (files.length === 0)
      throw new PipelineError('PIPE_ERR_SOURCE_NOT_FOUND', `No file matches ${display}`);
    return { kind: 'images', files, display };
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    throw new PipelineError('PIPE_ERR_SOURCE_NOT_FOUND', `No such file or directory: ${display}`, {
      cause: e,
    });
  }
  if (info.isCharacterDevice()) {
    return { kind: 'ffmpeg', input: path, inputKind: 'webcam', live: true, display: path };
  }
  if (info.isDirectory()) {
    const files = await listImages(path);
    if (files.length === 0)
      throw new PipelineError('PIPE_ERR_SOURCE_NOT_FOUND', `No image files in ${display}`);
    return { kind: 'images', files, display };
  }
  return { kind: 'ffmpeg', input: path, inputKind: 'file', live: isFile === false, display };
}
