import sharp from 'sharp';

/**
 * Turns libvips' operation cache on or off for this process. sharp keeps up
 * to 50 MB and 100 recent operations by default, which pays off only when the
 * same image is processed again; a server or a video pipeline decodes a new
 * image every time, so the cache only holds memory. Returns the previous
 * setting's memory limit in MB (0 when it was off).
 *
 * @example
 * setDecoderCache(false); // what @inference-ts/server does at start
 */
export function setDecoderCache(enabled: boolean): number {
  const before = sharp.cache().memory.max;
  sharp.cache(enabled);
  return before;
}
