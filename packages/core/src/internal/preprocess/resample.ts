import type { AxisTaps } from './taps.js';

/**
 * Where each source channel (R, G, B) goes: its output plane (already offset
 * to the image in the batch) and the affine `v * mul + add` that folds
 * `scale`, `mean` and `std` into one multiply-add.
 */
export interface PlaneWriter {
  planes: [Float32Array, Float32Array, Float32Array];
  mul: [number, number, number];
  add: [number, number, number];
  /** Network input width (row stride of each plane). */
  width: number;
}

/**
 * Resamples interleaved RGB `src` into planar float output in one pass.
 * Output pixel (x0 + i, y0 + j) is the tap-weighted sum for `xs[i]`, `ys[j]`.
 */
export function resampleInto(
  src: Uint8Array,
  xs: AxisTaps,
  ys: AxisTaps,
  x0: number,
  y0: number,
  w: PlaneWriter,
) {
  if (xs.taps === 2 && ys.taps === 2) bilinear(src, xs, ys, x0, y0, w);
  else separable(src, xs, ys, x0, y0, w);
}

// Hot path: 2x2 taps, everything hoisted into locals so V8 keeps it in registers;
// lerp form (a + (b - a) * w) needs fewer multiplies than four weight products.
function bilinear(src: Uint8Array, xs: AxisTaps, ys: AxisTaps, x0: number, y0: number, w: PlaneWriter) {
  const [pr, pg, pb] = w.planes;
  const [mr, mg, mb] = w.mul;
  const [ar, ag, ab] = w.add;
  const xi = xs.index;
  const xw = xs.weight;
  const nx = xs.n;
  const W = w.width;
  for (let j = 0; j < ys.n; j++) {
    const r0 = ys.index[2 * j];
    const r1 = ys.index[2 * j + 1];
    const wy = ys.weight[2 * j + 1];
    let o = (y0 + j) * W + x0;
    for (let k = 0; k < 2 * nx; k += 2, o++) {
      const wx = xw[k + 1];
      const a = r0 + xi[k];
      const b = r0 + xi[k + 1];
      const c = r1 + xi[k];
      const d = r1 + xi[k + 1];
      let t = src[a];
      let u = src[c];
      t += (src[b] - t) * wx;
      u += (src[d] - u) * wx;
      pr[o] = (t + (u - t) * wy) * mr + ar;
      t = src[a + 1];
      u = src[c + 1];
      t += (src[b + 1] - t) * wx;
      u += (src[d + 1] - u) * wx;
      pg[o] = (t + (u - t) * wy) * mg + ag;
      t = src[a + 2];
      u = src[c + 2];
      t += (src[b + 2] - t) * wx;
      u += (src[d + 2] - u) * wx;
      pb[o] = (t + (u - t) * wy) * mb + ab;
    }
  }
}

// Any tap counts (area averaging on at least one axis): filter each source row
// horizontally and accumulate it into the output row with its vertical weight.
function separable(src: Uint8Array, xs: AxisTaps, ys: AxisTaps, x0: number, y0: number, w: PlaneWriter) {
  const [pr, pg, pb] = w.planes;
  const [mr, mg, mb] = w.mul;
  const [ar, ag, ab] = w.add;
  const nx = xs.n;
  const tx = xs.taps;
  const ty = ys.taps;
  const acc = new Float64Array(nx * 3);
  for (let j = 0; j < ys.n; j++) {
    acc.fill(0);
    for (let t = 0; t < ty; t++) {
      const wy = ys.weight[j * ty + t];
      if (wy === 0) continue;
      const row = ys.index[j * ty + t];
      for (let i = 0; i < nx; i++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let s = i * tx, e = s + tx; s < e; s++) {
          const wx = xs.weight[s];
          const p = row + xs.index[s];
          r += src[p] * wx;
          g += src[p + 1] * wx;
          b += src[p + 2] * wx;
        }
        acc[3 * i] += r * wy;
        acc[3 * i + 1] += g * wy;
        acc[3 * i + 2] += b * wy;
      }
    }
    let o = (y0 + j) * w.width + x0;
    for (let i = 0; i < nx; i++, o++) {
      pr[o] = acc[3 * i] * mr + ar;
      pg[o] = acc[3 * i + 1] * mg + ag;
      pb[o] = acc[3 * i + 2] * mb + ab;
    }
  }
}

/**
 * Fills everything outside the image rectangle `[x0, x1) x [y0, y1)` of each
 * plane with that plane's pad value (a no-op when the image covers the input).
 */
export function fillPadding(
  planes: readonly Float32Array[],
  values: readonly number[],
  width: number,
  height: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
) {
  for (let c = 0; c < planes.length; c++) {
    const p = planes[c];
    const v = values[c];
    if (y0 > 0) p.fill(v, 0, y0 * width);
    if (y1 < height) p.fill(v, y1 * width, height * width);
    if (x0 > 0 || x1 < width) {
      for (let y = y0; y < y1; y++) {
        const row = y * width;
        if (x0 > 0) p.fill(v, row, row + x0);
        if (x1 < width) p.fill(v, row + x1, row + width);
      }
    }
  }
}
