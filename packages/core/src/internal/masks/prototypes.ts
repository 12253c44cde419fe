import type { RegionMask } from '../detections/mask.js';
import { InferenceError } from '../errors.js';
import type { PreprocessMeta } from '../preprocess/types.js';

/**
 * How prototype masks are brought to image resolution (Roboflow's `mask_decode_mode`):
 * - `accurate`: bilinear-sample the mask logits at every image pixel (sharpest, slowest);
 * - `fast`: threshold at prototype resolution, then nearest-neighbour upsample;
 * - `tradeoff`: sample on a grid between the two (see `tradeoffFactor`), then nearest-upsample.
 */
export type MaskDecodeMode = 'accurate' | 'fast' | 'tradeoff';

/** A region [x0, x1) × [y0, y1) of image pixels whose centres lie inside a box, clipped to the visible image. */
interface PixelRegion {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/**
 * Region of original-image pixels covered by a network-pixel box: the box is
 * mapped through the meta, a pixel belongs when its centre is inside, and the
 * region is clipped to the part of the image the network saw (the static crop).
 */
function boxRegion(b: Float32Array, i: number, meta: PreprocessMeta): PixelRegion {
  const toX = (v: number) => (v - meta.padX) / meta.scaleX + meta.cropX;
  const toY = (v: number) => (v - meta.padY) / meta.scaleY + meta.cropY;
  const left = Math.max(meta.cropX, 0);
  const top = Math.max(meta.cropY, 0);
  const right = Math.min(meta.cropX + meta.cropWidth, meta.originalWidth);
  const bottom = Math.min(meta.cropY + meta.cropHeight, meta.originalHeight);
  // Pixel x is in when x + 0.5 lies in [bx1, bx2): x >= bx1 - 0.5 and x < bx2 - 0.5.
  const x0 = Math.max(left, Math.ceil(toX(b[i * 4]) - 0.5));
  const y0 = Math.max(top, Math.ceil(toY(b[i * 4 + 1]) - 0.5));
  const x1 = Math.min(right, Math.ceil(toX(b[i * 4 + 2]) - 0.5));
  const y1 = Math.min(bottom, Math.ceil(toY(b[i * 4 + 3]) - 0.5));
  return { x0, y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}

/**
 * Continuous prototype coordinate (in prototype pixels, 0 = left edge) of the
 * original-image coordinate `v`: original -> network through the meta, then
 * network -> prototype by the size ratio.
 */
function protoCoordX(v: number, meta: PreprocessMeta, mw: number): number {
  return ((v - meta.cropX) * meta.scaleX + meta.padX) * (mw / meta.inputWidth);
}
function protoCoordY(v: number, meta: PreprocessMeta, mh: number): number {
  return ((v - meta.cropY) * meta.scaleY + meta.padY) * (mh / meta.inputHeight);
}

/**
 * Bilinear taps for sample positions along one axis: for each position the
 * lower prototype index (relative to `start`) and the weight of the upper one.
 * Positions are in prototype pixels with pixel centres at i + 0.5.
 */
function taps(coords: Float64Array, start: number, end: number): { lo: Int32Array; w: Float32Array } {
  const lo = new Int32Array(coords.length);
  const w = new Float32Array(coords.length);
  const last = end - 1;
  for (let k = 0; k < coords.length; k++) {
    let c = coords[k] - 0.5;
    if (c < start) c = start;
    if (c > last) c = last;
    let i = Math.floor(c);
    if (i >= last) i = Math.max(last - 1, start);
    lo[k] = i - start;
    w[k] = Math.min(1, Math.max(0, c - i));
  }
  return { lo, w };
}

/**
 * Mask logits (linear combination of the prototypes) over the prototype window
 * [px0, px1) × [py0, py1). The sigmoid is never applied: prob > 0.5 ⇔ logit > 0.
 */
function windowLogits(
  protos: Float32Array,
  mh: number,
  mw: number,
  coeffs: Float32Array,
  det: number,
  p: number,
  px0: number,
  px1: number,
  py0: number,
  py1: number,
): Float32Array {
  const ww = px1 - px0;
  const out = new Float32Array(ww * (py1 - py0));
  const plane = mh * mw;
  for (let c = 0; c < p; c++) {
    const k = coeffs[det * p + c];
    if (k === 0) continue;
    const base = c * plane;
    for (let y = py0; y < py1; y++) {
      const row = base + y * mw;
      const o = (y - py0) * ww - px0;
      for (let x = px0; x < px1; x++) out[o + x] += k * protos[row + x];
    }
  }
  return out;
}

/** Sample positions (original pixels) of a grid with `n` cells over [start, start + len), cell centres. */
function gridCentres(start: number, len: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const step = len / n;
  for (let k = 0; k < n; k++) out[k] = start + (k + 0.5) * step;
  return out;
}

/**
 * Build binary masks, in original-image pixels, from YOLO-style prototype
 * masks and per-detection coefficients.
 *
 * For each detection the mask is `sigmoid(Σ coeff_c · proto_c) > 0.5`, cropped
 * to its box. Every original pixel inside the box is mapped to prototype
 * coordinates through the preprocessing meta (`proto = ((orig - crop) · scale + pad) · protoSize / inputSize`),
 * so letterbox padding and aspect are undone exactly instead of by stretching
 * the prototype grid. Only the box is computed.
 *
 * @param protos prototypes `[P, mh, mw]` (one image of the batch)
 * @param coeffs `n × P` mask coefficients
 * @param boxesInput `n × 4` boxes x1, y1, x2, y2 in network-input pixels
 * @param mode see {@link MaskDecodeMode} (default 'accurate')
 * @param tradeoffFactor 0 (≈ fast) .. 1 (= accurate) for mode 'tradeoff' (default 0.5)
 * @returns one RegionMask per detection, bounded by its box in original pixels
 * @example
 * // one 2×2 prototype, +1 everywhere, coefficient 1: the whole box is set
 * const m = masksFromPrototypes(new Float32Array([1, 1, 1, 1]), 2, 2, new Float32Array([1]),
 *   new Float32Array([0, 0, 4, 4]), meta, 'accurate');
 * m[0].data.every((v) => v === 1) // true
 */
export function masksFromPrototypes(
  protos: Float32Array,
  mh: number,
  mw: number,
  coeffs: Float32Array,
  boxesInput: Float32Array,
  meta: PreprocessMeta,
  mode: MaskDecodeMode = 'accurate',
  tradeoffFactor = 0.5,
): RegionMask[] {
  const n = boxesInput.length / 4;
  const plane = mh * mw;
  if (!Number.isInteger(n) || plane <= 0 || protos.length % plane !== 0) {
    throw new InferenceError(
      'CORE_ERR_POSTPROCESS',
      `prototype tensor of ${protos.length} values does not fit ${mh}×${mw} planes`,
    );
  }
  const p = protos.length / plane;
  if (coeffs.length !== n * p) {
    throw new InferenceError(
      'CORE_ERR_POSTPROCESS',
      `expected ${n}×${p} mask coefficients, got ${coeffs.length}`,
    );
  }
  if (!(tradeoffFactor >= 0 && tradeoffFactor <= 1)) {
    throw new InferenceError(
      'CORE_ERR_INVALID_PARAMETER',
      `tradeoff factor must be in [0, 1], got ${tradeoffFactor}`,
    );
  }
  const masks: RegionMask[] = [];
  for (let i = 0; i < n; i++) {
    const r = boxRegion(boxesInput, i, meta);
    const data = new Uint8Array(r.width * r.height);
    masks.push({ ...r, data });
    if (data.length === 0) continue;
    if (mode === 'fast') fillFast(protos, mh, mw, coeffs, i, p, meta, r, data);
    else {
      // Grid of samples: one per pixel (accurate) or coarser (tradeoff), then nearest-upsampled.
      let gw = r.width;
      let gh = r.height;
      if (mode === 'tradeoff') {
        const protoPerPixelX = (meta.scaleX * mw) / meta.inputWidth;
        const protoPerPixelY = (meta.scaleY * mh) / meta.inputHeight;
        const lerp = (protoCells: number, pixels: number) =>
          Math.max(1, Math.min(pixels, Math.round(protoCells + (pixels - protoCells) * tradeoffFactor)));
        gw = lerp(r.width * protoPerPixelX, r.width);
        gh = lerp(r.height * protoPerPixelY, r.height);
      }
      fillSampled(protos, mh, mw, coeffs, i, p, meta, r, gw, gh, data);
    }
  }
  return masks;
}

/** Bilinear logits on a gw × gh grid over the region, thresholded at 0, nearest-upsampled into `data`. */
function fillSampled(
  protos: Float32Array,
  mh: number,
  mw: number,
  coeffs: Float32Array,
  det: number,
  p: number,
  meta: PreprocessMeta,
  r: PixelRegion,
  gw: number,
  gh: number,
  data: Uint8Array,
): void {
  const xs = gridCentres(r.x0, r.width, gw).map((v) => protoCoordX(v, meta, mw));
  const ys = gridCentres(r.y0, r.height, gh).map((v) => protoCoordY(v, meta, mh));
  // Prototype window the samples touch (one cell of margin for the bilinear neighbour).
  const px0 = Math.max(0, Math.floor(xs[0] - 0.5));
  const px1 = Math.min(mw, Math.floor(xs[gw - 1] - 0.5) + 2);
  const py0 = Math.max(0, Math.floor(ys[0] - 0.5));
  const py1 = Math.min(mh, Math.floor(ys[gh - 1] - 0.5) + 2);
  if (px1 <= px0 || py1 <= py0) return;
  const logits = windowLogits(protos, mh, mw, coeffs, det, p, px0, px1, py0, py1);
  const ww = px1 - px0;
  const tx = taps(xs, px0, px1);
  const ty = taps(ys, py0, py1);
  const single = px1 - px0 === 1;
  const grid = gw === r.width && gh === r.height ? data : new Uint8Array(gw * gh);
  for (let gy = 0; gy < gh; gy++) {
    const y0 = ty.lo[gy];
    const y1 = py1 - py0 === 1 ? y0 : y0 + 1;
    const wy = ty.w[gy];
    const row0 = y0 * ww;
    const row1 = y1 * ww;
    for (let gx = 0; gx < gw; gx++) {
      const x0 = tx.lo[gx];
      const x1 = single ? x0 : x0 + 1;
      const wx = tx.w[gx];
      const top = logits[row0 + x0] + (logits[row0 + x1] - logits[row0 + x0]) * wx;
      const bottom = logits[row1 + x0] + (logits[row1 + x1] - logits[row1 + x0]) * wx;
      grid[gy * gw + gx] = top + (bottom - top) * wy > 0 ? 1 : 0;
    }
  }
  if (grid !== data) upsampleNearest(grid, gw, gh, data, r.width, r.height);
}

/** Threshold at prototype resolution, then give each image pixel the value of the prototype cell it falls in. */
function fillFast(
  protos: Float32Array,
  mh: number,
  mw: number,
  coeffs: Float32Array,
  det: number,
  p: number,
  meta: PreprocessMeta,
  r: PixelRegion,
  data: Uint8Array,
): void {
  const cellX = new Int32Array(r.width);
  const cellY = new Int32Array(r.height);
  for (let x = 0; x < r.width; x++)
    cellX[x] = clampInt(Math.floor(protoCoordX(r.x0 + x + 0.5, meta, mw)), 0, mw - 1);
  for (let y = 0; y < r.height; y++)
    cellY[y] = clampInt(Math.floor(protoCoordY(r.y0 + y + 0.5, meta, mh)), 0, mh - 1);
  const px0 = cellX[0];
  const px1 = cellX[r.width - 1] + 1;
  const py0 = cellY[0];
  const py1 = cellY[r.height - 1] + 1;
  const logits = windowLogits(protos, mh, mw, coeffs, det, p, px0, px1, py0, py1);
  const ww = px1 - px0;
  for (let y = 0; y < r.height; y++) {
    const row = (cellY[y] - py0) * ww - px0;
    const o = y * r.width;
    for (let x = 0; x < r.width; x++) data[o + x] = logits[row + cellX[x]] > 0 ? 1 : 0;
  }
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

function upsampleNearest(
  src: Uint8Array,
  sw: number,
  sh: number,
  dst: Uint8Array,
  dw: number,
  dh: number,
): void {
  const colOf = new Int32Array(dw);
  for (let x = 0; x < dw; x++) colOf[x] = Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / dw));
  for (let y = 0; y < dh; y++) {
    const sy = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / dh));
    const srow = sy * sw;
    const drow = y * dw;
    for (let x = 0; x < dw; x++) dst[drow + x] = src[srow + colOf[x]];
  }
}
