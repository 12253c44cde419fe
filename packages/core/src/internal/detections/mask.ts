/**
 * A binary instance mask stored only over its bounding region, in image
 * pixels: pixel (x, y) of the image is inside the mask when
 * `x0 <= x < x0 + width`, `y0 <= y < y0 + height` and
 * `data[(y - y0) * width + (x - x0)] !== 0`.
 * Keeping masks local to their box keeps 20 masks on a 1080p frame small.
 */
export interface RegionMask {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  /** `width * height` bytes, 0 or 1 (row-major). */
  readonly data: Uint8Array;
}

/** Count of set pixels. */
export function maskArea(m: RegionMask): number {
  let n = 0;
  const d = m.data;
  for (let i = 0; i < d.length; i++) n += d[i] !== 0 ? 1 : 0;
  return n;
}

/** Expand a region mask into a full `imageWidth * imageHeight` bitmap. */
export function maskToFull(m: RegionMask, imageWidth: number, imageHeight: number): Uint8Array {
  const out = new Uint8Array(imageWidth * imageHeight);
  for (let y = 0; y < m.height; y++) {
    const iy = y + m.y0;
    if (iy < 0 || iy >= imageHeight) continue;
    for (let x = 0; x < m.width; x++) {
      const ix = x + m.x0;
      if (ix < 0 || ix >= imageWidth) continue;
      if (m.data[y * m.width + x]) out[iy * imageWidth + ix] = 1;
    }
  }
  return out;
}
