import type { RgbImage } from '@inference-ts/core';
import { PipelineError } from '../errors.js';
import { spawnManaged } from '../ffmpeg/process.js';

/** Parses a binary PPM (P6, maxval 255): returns the pixels as a view into `bytes`. */
export function parsePpm(bytes: Uint8Array): RgbImage | undefined {
  const tokens: string[] = [];
  let i = 0;
  while (tokens.length < 4 && i < bytes.length) {
    const c = bytes[i];
    if (c === 0x23) {
      while (i < bytes.length && bytes[i] !== 0x0a) i++; // comment
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++;
    } else {
      let token = '';
      while (i < bytes.length && bytes[i] > 0x20) token += String.fromCharCode(bytes[i++]);
      tokens.push(token);
    }
  }
  i++; // the single whitespace after maxval
  const [magic, w, h, max] = tokens;
  const width = Number(w);
  const height = Number(h);
  if (magic !== 'P6' || max !== '255' || !(width > 0) || !(height > 0)) return undefined;
  const size = width * height * 3;
  if (bytes.length - i < size) return undefined;
  return { data: bytes.subarray(i, i + size), width, height };
}

/**
 * Decodes one image file to RGB with ffmpeg (PPM on stdout), optionally scaled.
 * One short-lived process per image; pass a faster `decodeImage` (e.g. the
 * core's sharp-based loader) to `VideoSource.create` where that matters.
 * @throws PipelineError `PIPE_ERR_SOURCE_DECODE`
 */
export async function decodeImageWithFfmpeg(
  ffmpegPath: string,
  path: string,
  size?: { width: number; height: number },
): Promise<RgbImage> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', path, '-frames:v', '1'];
  if (size) args.push('-vf', `scale=${size.width}:${size.height}`);
  args.push('-pix_fmt', 'rgb24', '-c:v', 'ppm', '-f', 'image2pipe', 'pipe:1');
  const proc = spawnManaged(ffmpegPath, args);
  const chunks: Buffer[] = [];
  let stderr = '';
  proc.child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  proc.child.stderr!.on('data', (c: Buffer) => {
    if (stderr.length < 4096) stderr += c.toString();
  });
  const exit = await proc.closed;
  const image = exit.code === 0 ? parsePpm(Buffer.concat(chunks)) : undefined;
  if (!image) {
    throw new PipelineError(
      'PIPE_ERR_SOURCE_DECODE',
      `Cannot decode image ${path}: ${stderr.trim() || 'no output'}`,
    );
  }
  return image;
}
