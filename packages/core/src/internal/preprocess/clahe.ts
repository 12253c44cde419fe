/** Tiles per axis (skimage's default kernel is 1/8 of the image height and width). */
const GRID = 8;

/**
 * Roboflow's 'adaptive-equalization' (skimage `equalize_adapthist` with
 * `clip_limit=0.03`), in place. Like skimage, only the HSV value channel
 * (max of R, G, B) is equalized, and hue and saturation are kept by scaling
 * each pixel's RGB by `newV / V`.
 *
 * CLAHE: the image is split into an 8x8 grid of tiles; each tile's 256-bin
 * histogram is clipped at `max(1, floor(clipLimit * tilePixels))` and the
 * excess is spread over the bins still below the limit; each tile's
 * cumulative histogram becomes a lookup table, and every pixel blends the
 * tables of its four nearest tile centres bilinearly. An approximation of
 * skimage (no reflect padding, 8-bit rather than 14-bit levels), but a real
 * adaptive equalization.
 */
export function adaptiveEqualizeInPlace(
  data: Uint8Array,
  width: number,
  height: number,
  clipLimit = 0.03,
): void {
  const tx = Math.min(GRID, width);
  const ty = Math.min(GRID, height);
  const n = width * height;
  const value = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 3) {
    const r = data[p];
    const g = data[p + 1];
    const b = data[p + 2];
    value[i] = Math.max(r, g, b);
  }
  const xEdge = Int32Array.from({ length: tx + 1 }, (_, i) => Math.floor((i * width) / tx));
  const yEdge = Int32Array.from({ length: ty + 1 }, (_, i) => Math.floor((i * height) / ty));
  const luts = new Float64Array(tx * ty * 256);
  const hist = new Float64Array(256);
  for (let j = 0; j < ty; j++) {
    for (let i = 0; i < tx; i++) {
      hist.fill(0);
      for (let y = yEdge[j]; y < yEdge[j + 1]; y++) {
        for (let x = xEdge[i]; x < xEdge[i + 1]; x++) hist[value[y * width + x]]++;
      }
      const pixels = (xEdge[i + 1] - xEdge[i]) * (yEdge[j + 1] - yEdge[j]);
      clipHistogram(hist, Math.max(1, Math.floor(clipLimit * pixels)));
      const lut = luts.subarray((j * tx + i) * 256, (j * tx + i + 1) * 256);
      let cum = 0;
      for (let v = 0; v < 256; v++) {
        cum += hist[v];
        lut[v] = Math.min(255, (255 * cum) / pixels);
      }
    }
  }
  // Position of each column/row between tile centres: nearest lower tile and blend weight.
  const axis = (size: number, tiles: number) => {
    const lo = new Int32Array(size);
    const hi = new Int32Array(size);
    const w = new Float64Array(size);
    for (let x = 0; x < size; x++) {
      const t = Math.min(tiles - 1, Math.max(0, ((x + 0.5) * tiles) / size - 0.5));
      lo[x] = Math.floor(t);
      hi[x] = Math.min(lo[x] + 1, tiles - 1);
      w[x] = t - lo[x];
    }
    return { lo, hi, w };
  };
  const ax = axis(width, tx);
  const ay = axis(height, ty);
  for (let y = 0; y < height; y++) {
    const top = ay.lo[y] * tx;
    const bottom = ay.hi[y] * tx;
    const wy = ay.w[y];
    for (let x = 0; x < width; x++) {
      const idx = y * width + x;
      const v = value[idx];
      if (v === 0) continue;
      const wx = ax.w[x];
      const l = ax.lo[x];
      const r = ax.hi[x];
      const upper = luts[(top + l) * 256 + v] * (1 - wx) + luts[(top + r) * 256 + v] * wx;
      const lower = luts[(bottom + l) * 256 + v] * (1 - wx) + luts[(bottom + r) * 256 + v] * wx;
      const k = (upper * (1 - wy) + lower * wy) / v;
      const p = idx * 3;
      data[p] = Math.min(255, Math.round(data[p] * k));
      data[p + 1] = Math.min(255, Math.round(data[p + 1] * k));
      data[p + 2] = Math.min(255, Math.round(data[p + 2] * k));
    }
  }
}

/** Clips bins at `limit` and spreads the excess over the bins below it (a few rounds, then stop). */
function clipHistogram(hist: Float64Array, limit: number): void {
  let excess = 0;
  for (let v = 0; v < 256; v++) {
    if (hist[v] > limit) {
      excess += hist[v] - limit;
      hist[v] = limit;
    }
  }
  for (let round = 0; round < 8 && excess > 1e-9; round++) {
    let below = 0;
    for (let v = 0; v < 256; v++) if (hist[v] < limit) below++;
    if (below === 0) break;
    const share = excess / below;
    for (let v = 0; v < 256; v++) {
      if (hist[v] >= limit) continue;
      const add = Math.min(share, limit - hist[v]);
      hist[v] += add;
      excess -= add;
    }
  }
}
