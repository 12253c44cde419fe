/** Histogram of every sample of interleaved data (all channels pooled). */
function pooledHistogram(data: Uint8Array): Uint32Array {
  const hist = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) hist[data[i]]++;
  return hist;
}

/** The `q`-th percentile (0..100) with linear interpolation between ranks, as `np.percentile` does. */
export function percentileFromHistogram(hist: Uint32Array, q: number): number {
  let n = 0;
  for (let v = 0; v < 256; v++) n += hist[v];
  if (n === 0) return 0;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const valueAt = (rank: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += hist[v];
      if (seen > rank) return v;
    }
    return 255;
  };
  const a = valueAt(lo);
  return a + (pos - lo) * (valueAt(hi) - a);
}

function applyLut(data: Uint8Array, lut: Uint8Array): void {
  for (let i = 0; i < data.length; i++) data[i] = lut[data[i]];
}

/**
 * Roboflow's 'contrast-stretching', in place: the 2nd and 98th percentiles of
 * all samples (channels pooled, as `np.percentile(image, (2, 98))`) are
 * stretched to 0..255 with values outside clipped, truncating to integers like
 * skimage's `rescale_intensity(image, in_range=(p2, p98))` on uint8. When
 * p2 === p98 skimage clips everything to that value, and so do we.
 */
export function contrastStretchInPlace(data: Uint8Array): void {
  const hist = pooledHistogram(data);
  const p2 = percentileFromHistogram(hist, 2);
  const p98 = percentileFromHistogram(hist, 98);
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    const c = Math.min(p98, Math.max(p2, v));
    lut[v] = p98 === p2 ? Math.trunc(c) : Math.trunc(((c - p2) / (p98 - p2)) * 255);
  }
  applyLut(data, lut);
}

/**
 * Roboflow's 'histogram-equalization', in place: one global histogram over all
 * samples of all three channels (what skimage's `equalize_hist` does on an RGB
 * array, so it matches Roboflow rather than equalizing channels or luminance
 * separately), each value mapped to `round(255 * cdf(v))` and the same lookup
 * applied to every channel.
 */
export function equalizeHistogramInPlace(data: Uint8Array): void {
  const hist = pooledHistogram(data);
  const n = data.length;
  if (n === 0) return;
  const lut = new Uint8Array(256);
  let cum = 0;
  for (let v = 0; v < 256; v++) {
    cum += hist[v];
    lut[v] = Math.round((255 * cum) / n);
  }
  applyLut(data, lut);
}
