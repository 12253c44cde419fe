/**
 * Per-axis resampling tables: for each visible output pixel, `taps` source
 * offsets and weights (`index[i * taps + t]`, `weight[i * taps + t]`). Offsets
 * are already multiplied by the source stride (3 for x, the row stride for y)
 * and include the crop origin, so the kernel does no index arithmetic.
 */
export interface AxisTaps {
  /** Number of output pixels described. */
  n: number;
  /** Taps per output pixel (2 for bilinear; unused taps have weight 0). */
  taps: number;
  index: Int32Array;
  weight: Float64Array;
}

/** Downscale factor above which an axis is area-averaged instead of bilinearly sampled. */
export const AREA_THRESHOLD = 2;

/**
 * Builds the taps for output pixels `first .. first + n - 1` of a `resized`-long
 * axis that samples a `src`-long source axis starting at `srcStart`.
 *
 * Bilinear uses half-pixel centres with edge clamping, as OpenCV's
 * `INTER_LINEAR` does: `fx = (i + 0.5) * src / resized - 0.5`. When the axis
 * shrinks by more than {@link AREA_THRESHOLD}, bilinear would skip source
 * pixels and alias, so each output pixel instead averages the source span
 * `[i, i + 1) * src / resized` weighted by overlap (OpenCV `INTER_AREA`).
 */
export function axisTaps(
  first: number,
  n: number,
  resized: number,
  src: number,
  srcStart: number,
  stride: number,
): AxisTaps {
  const inv = src / resized;
  return inv > AREA_THRESHOLD
    ? areaTaps(first, n, inv, src, srcStart, stride)
    : bilinearTaps(first, n, inv, src, srcStart, stride);
}

function bilinearTaps(first: number, n: number, inv: number, src: number, srcStart: number, stride: number) {
  const index = new Int32Array(n * 2);
  const weight = new Float64Array(n * 2);
  const last = src - 1;
  for (let k = 0; k < n; k++) {
    const fx = (first + k + 0.5) * inv - 0.5;
    let x0 = Math.floor(fx);
    let w = fx - x0;
    if (x0 < 0) {
      x0 = 0;
      w = 0;
    } else if (x0 >= last) {
      x0 = last;
      w = 0;
    }
    const x1 = Math.min(x0 + 1, last);
    index[2 * k] = (srcStart + x0) * stride;
    index[2 * k + 1] = (srcStart + x1) * stride;
    weight[2 * k] = 1 - w;
    weight[2 * k + 1] = w;
  }
  return { n, taps: 2, index, weight };
}

function areaTaps(first: number, n: number, inv: number, src: number, srcStart: number, stride: number) {
  const taps = Math.ceil(inv) + 1;
  const index = new Int32Array(n * taps);
  const weight = new Float64Array(n * taps);
  for (let k = 0; k < n; k++) {
    const a = Math.max(0, (first + k) * inv);
    const b = Math.min(src, (first + k + 1) * inv);
    const len = b - a;
    const s0 = Math.min(Math.floor(a), src - 1);
    const base = k * taps;
    for (let t = 0; t < taps; t++) {
      const p = s0 + t;
      const overlap = p < src ? Math.min(b, p + 1) - Math.max(a, p) : 0;
      index[base + t] = (srcStart + Math.min(p, src - 1)) * stride;
      weight[base + t] = overlap > 0 && len > 0 ? overlap / len : 0;
    }
  }
  return { n, taps, index, weight };
}
