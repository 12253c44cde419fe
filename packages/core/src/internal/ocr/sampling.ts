import type { RgbImage } from '../image/types.js';
import type { Quad } from './types.js';

/**
 * How 8-bit pixels become network inputs: output plane `c` reads source
 * channel `source[c]` and stores `pixel * scale[c] + bias[c]`.
 */
export interface PixelNormalization {
  source: readonly [number, number, number];
  scale: readonly [number, number, number];
  bias: readonly [number, number, number];
}

/**
 * Build a {@link PixelNormalization} from per-output-plane mean and std in 0..1
 * units: `(pixel / 255 - mean) / std`.
 */
export function normalization(
  order: 'rgb' | 'bgr',
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): PixelNormalization {
  return {
    source: order === 'rgb' ? [0, 1, 2] : [2, 1, 0],
    scale: [1 / (255 * std[0]), 1 / (255 * std[1]), 1 / (255 * std[2])],
    bias: [-mean[0] / std[0], -mean[1] / std[1], -mean[2] / std[2]],
  };
}

/** Where a sampled region goes inside an NCHW tensor: `[.., 3, planeH, planeW]` starting at `offset`. */
export interface PlaneTarget {
  out: Float32Array;
  offset: number;
  planeW: number;
  planeH: number;
}

/**
 * Bilinear resize of a whole image into the top-left `dstW x dstH` corner of
 * the planes, normalising on the way (pixel centres aligned, like OpenCV's
 * INTER_LINEAR). Cells outside that corner are left untouched.
 */
export function resizeInto(
  src: RgbImage,
  dstW: number,
  dstH: number,
  target: PlaneTarget,
  norm: PixelNormalization,
): void {
  const { data, width: sw, height: sh } = src;
  const { out, offset, planeW, planeH } = target;
  const planeSize = planeW * planeH;
  // horizontal taps are the same for every row: compute them once
  const x0 = new Int32Array(dstW);
  const x1 = new Int32Array(dstW);
  const wx = new Float32Array(dstW);
  const fx = sw / dstW;
  for (let x = 0; x < dstW; x++) {
    let sx = (x + 0.5) * fx - 0.5;
    if (sx < 0) sx = 0;
    const i = Math.min(Math.floor(sx), sw - 1);
    x0[x] = i * 3;
    x1[x] = Math.min(i + 1, sw - 1) * 3;
    wx[x] = sx - i;
  }
  const [s0, s1, s2] = norm.source;
  const [a0, a1, a2] = norm.scale;
  const [b0, b1, b2] = norm.bias;
  const fy = sh / dstH;
  for (let y = 0; y < dstH; y++) {
    let sy = (y + 0.5) * fy - 0.5;
    if (sy < 0) sy = 0;
    const j = Math.min(Math.floor(sy), sh - 1);
    const wy = sy - j;
    const r0 = j * sw * 3;
    const r1 = Math.min(j + 1, sh - 1) * sw * 3;
    let o = offset + y * planeW;
    for (let x = 0; x < dstW; x++, o++) {
      const p00 = r0 + x0[x];
      const p01 = r0 + x1[x];
      const p10 = r1 + x0[x];
      const p11 = r1 + x1[x];
      const w = wx[x];
      const c00 = (1 - w) * (1 - wy);
      const c01 = w * (1 - wy);
      const c10 = (1 - w) * wy;
      const c11 = w * wy;
      out[o] =
        (data[p00 + s0] * c00 + data[p01 + s0] * c01 + data[p10 + s0] * c10 + data[p11 + s0] * c11) * a0 + b0;
      out[o + planeSize] =
        (data[p00 + s1] * c00 + data[p01 + s1] * c01 + data[p10 + s1] * c10 + data[p11 + s1] * c11) * a1 + b1;
      out[o + 2 * planeSize] =
        (data[p00 + s2] * c00 + data[p01 + s2] * c01 + data[p10 + s2] * c10 + data[p11 + s2] * c11) * a2 + b2;
    }
  }
}

/** Coefficients of the projective map from the unit square onto a quad (corner order tl, tr, br, bl). */
function squareToQuad(q: Quad): Float64Array {
  const [x0, y0, x1, y1, x2, y2, x3, y3] = q;
  const dx3 = x0 - x1 + x2 - x3;
  const dy3 = y0 - y1 + y2 - y3;
  let g = 0;
  let h = 0;
  if (Math.abs(dx3) > 1e-9 || Math.abs(dy3) > 1e-9) {
    const dx1 = x1 - x2;
    const dx2 = x3 - x2;
    const dy1 = y1 - y2;
    const dy2 = y3 - y2;
    const den = dx1 * dy2 - dx2 * dy1;
    if (Math.abs(den) > 1e-12) {
      g = (dx3 * dy2 - dx2 * dy3) / den;
      h = (dx1 * dy3 - dx3 * dy1) / den;
    }
  }
  return Float64Array.of(
    x1 - x0 + g * x1,
    x3 - x0 + h * x3,
    x0,
    y1 - y0 + g * y1,
    y3 - y0 + h * y3,
    y0,
    g,
    h,
  );
}

/**
 * Sample the region inside `quad` as a straight `dstW x dstH` rectangle
 * (perspective warp, bilinear, edges clamped) and call `emit` per pixel.
 * Shared by the tensor writer and the RGB crop so both see the same pixels.
 */
function warp(
  src: RgbImage,
  quad: Quad,
  dstW: number,
  dstH: number,
  emit: (dst: number, p00: number, p01: number, p10: number, p11: number, wx: number, wy: number) => void,
): void {
  const { width: sw, height: sh } = src;
  const [a, b, c, d, e, f, g, h] = squareToQuad(quad);
  for (let y = 0; y < dstH; y++) {
    const t = (y + 0.5) / dstH;
    for (let x = 0; x < dstW; x++) {
      const s = (x + 0.5) / dstW;
      const den = g * s + h * t + 1;
      // image coordinates use the edge convention: pixel i spans [i, i+1), its centre is i + 0.5
      let sx = (a * s + b * t + c) / den - 0.5;
      let sy = (d * s + e * t + f) / den - 0.5;
      if (sx < 0) sx = 0;
      else if (sx > sw - 1) sx = sw - 1;
      if (sy < 0) sy = 0;
      else if (sy > sh - 1) sy = sh - 1;
      const i = Math.floor(sx);
      const j = Math.floor(sy);
      const i1 = i + 1 < sw ? i + 1 : i;
      const j1 = j + 1 < sh ? j + 1 : j;
      emit(
        y * dstW + x,
        (j * sw + i) * 3,
        (j * sw + i1) * 3,
        (j1 * sw + i) * 3,
        (j1 * sw + i1) * 3,
        sx - i,
        sy - j,
      );
    }
  }
}

/**
 * Warp the quad region straight into the top-left `dstW x dstH` corner of
 * normalised NCHW planes (crop + resize + normalise in one pass).
 */
export function warpQuadInto(
  src: RgbImage,
  quad: Quad,
  dstW: number,
  dstH: number,
  target: PlaneTarget,
  norm: PixelNormalization,
): void {
  const data = src.data;
  const { out, offset, planeW, planeH } = target;
  const planeSize = planeW * planeH;
  const [s0, s1, s2] = norm.source;
  const [a0, a1, a2] = norm.scale;
  const [b0, b1, b2] = norm.bias;
  warp(src, quad, dstW, dstH, (dst, p00, p01, p10, p11, wx, wy) => {
    const o = offset + Math.floor(dst / dstW) * planeW + (dst % dstW);
    const c00 = (1 - wx) * (1 - wy);
    const c01 = wx * (1 - wy);
    const c10 = (1 - wx) * wy;
    const c11 = wx * wy;
    out[o] =
      (data[p00 + s0] * c00 + data[p01 + s0] * c01 + data[p10 + s0] * c10 + data[p11 + s0] * c11) * a0 + b0;
    out[o + planeSize] =
      (data[p00 + s1] * c00 + data[p01 + s1] * c01 + data[p10 + s1] * c10 + data[p11 + s1] * c11) * a1 + b1;
    out[o + 2 * planeSize] =
      (data[p00 + s2] * c00 + data[p01 + s2] * c01 + data[p10 + s2] * c10 + data[p11 + s2] * c11) * a2 + b2;
  });
}

/**
 * Cut the quad region out as an upright RGB image of `dstW x dstH` pixels
 * (defaults: the quad's own side lengths).
 *
 * @example
 * cropQuad(image, fullImageQuad(image)) // a copy of the image
 */
export function cropQuad(src: RgbImage, quad: Quad, dstW?: number, dstH?: number): RgbImage {
  const size = quadSize(quad);
  const width = dstW ?? size.width;
  const height = dstH ?? size.height;
  const data = src.data;
  const out = new Uint8Array(width * height * 3);
  warp(src, quad, width, height, (dst, p00, p01, p10, p11, wx, wy) => {
    const c00 = (1 - wx) * (1 - wy);
    const c01 = wx * (1 - wy);
    const c10 = (1 - wx) * wy;
    const c11 = wx * wy;
    const o = dst * 3;
    for (let k = 0; k < 3; k++) {
      out[o + k] = Math.round(
        data[p00 + k] * c00 + data[p01 + k] * c01 + data[p10 + k] * c10 + data[p11 + k] * c11,
      );
    }
  });
  return { data: out, width, height };
}

/** Straightened size of a quad: the longer of each pair of opposite sides, at least 1 pixel. */
export function quadSize(q: Quad): { width: number; height: number } {
  const top = Math.hypot(q[2] - q[0], q[3] - q[1]);
  const bottom = Math.hypot(q[4] - q[6], q[5] - q[7]);
  const left = Math.hypot(q[6] - q[0], q[7] - q[1]);
  const right = Math.hypot(q[4] - q[2], q[5] - q[3]);
  return {
    width: Math.max(1, Math.round(Math.max(top, bottom))),
    height: Math.max(1, Math.round(Math.max(left, right))),
  };
}

/** The quad covering a whole image. */
export function fullImageQuad(image: { width: number; height: number }): Quad {
  const { width: w, height: h } = image;
  return Float32Array.of(0, 0, w, 0, w, h, 0, h);
}

/**
 * Re-label the corners so the crop comes out turned: `quarterTurns` = 1 turns
 * the content 90 degrees counter-clockwise, 2 turns it upside down.
 */
export function rotateQuad(q: Quad, quarterTurns: number): Quad {
  const k = ((quarterTurns % 4) + 4) % 4;
  const out = new Float32Array(8);
  for (let i = 0; i < 4; i++) {
    const from = (i + k) % 4;
    out[2 * i] = q[2 * from];
    out[2 * i + 1] = q[2 * from + 1];
  }
  return out;
}
