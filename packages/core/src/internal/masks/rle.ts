import type { RegionMask } from '../detections/mask.js';
import { InferenceError } from '../errors.js';

/**
 * COCO run-length encoding as pycocotools writes it when `counts` is a string:
 * runs over the image in column-major order, starting with a run of zeros.
 */
export interface CocoRle {
  /** [height, width] */
  size: [number, number];
  counts: string;
}

/**
 * Run lengths of a region mask placed in a `imageWidth × imageHeight` image,
 * column-major, alternating zeros and ones, starting with zeros (possibly 0).
 * Columns outside the region cost one addition each.
 */
export function maskToRunLengths(mask: RegionMask, imageWidth: number, imageHeight: number): number[] {
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  // Append `len` pixels of value `v`, closing the current run when the value changes.
  const emit = (v: number, len: number) => {
    if (len === 0) return;
    if (v !== value) {
      counts.push(run);
      run = 0;
      value = v;
    }
    run += len;
  };
  const x0 = Math.max(0, mask.x0);
  const x1 = Math.min(imageWidth, mask.x0 + mask.width);
  const y0 = Math.max(0, mask.y0);
  const y1 = Math.min(imageHeight, mask.y0 + mask.height);
  if (x1 <= x0 || y1 <= y0) return [imageWidth * imageHeight];
  emit(0, x0 * imageHeight);
  for (let x = x0; x < x1; x++) {
    emit(0, y0);
    const col = x - mask.x0;
    for (let y = y0; y < y1; y++) emit(mask.data[(y - mask.y0) * mask.width + col] !== 0 ? 1 : 0, 1);
    emit(0, imageHeight - y1);
  }
  emit(0, (imageWidth - x1) * imageHeight);
  counts.push(run);
  return counts;
}

/**
 * pycocotools' compact string form of run lengths: each count (from the
 * fourth on, as the difference to the count two before) is written as
 * little-endian 5-bit groups with a continuation bit (0x20) and a sign bit
 * (0x10) in the last group, each group offset by 48 into printable ASCII.
 * Arithmetic is done with plain numbers (not 32-bit shifts) so large images work.
 *
 * @example
 * encodeRleCounts([1, 1, 1, 3, 1, 1, 1]) // '11120N0'
 */
export function encodeRleCounts(counts: readonly number[]): string {
  let s = '';
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** Inverse of {@link encodeRleCounts}. Throws CORE_ERR_INVALID_PARAMETER on malformed strings. */
export function decodeRleCounts(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length)
        throw new InferenceError('CORE_ERR_INVALID_PARAMETER', 'RLE counts string ends inside a value');
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63)
        throw new InferenceError('CORE_ERR_INVALID_PARAMETER', `invalid character in RLE counts at ${p}`);
      const unit = 2 ** (5 * k);
      x += (c & 0x1f) * unit;
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k); // sign-extend
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

/**
 * COCO RLE of a region mask within its image, as Roboflow emits for
 * `mask_format: "rle"`.
 *
 * @example
 * const m = { x0: 0, y0: 0, width: 3, height: 3, data: new Uint8Array([0,1,0, 1,1,1, 0,1,0]) };
 * maskToRle(m, 3, 3) // { size: [3, 3], counts: '11120N0' }
 */
export function maskToRle(mask: RegionMask, imageWidth: number, imageHeight: number): CocoRle {
  return {
    size: [imageHeight, imageWidth],
    counts: encodeRleCounts(maskToRunLengths(mask, imageWidth, imageHeight)),
  };
}

/**
 * Decode a COCO RLE (string `counts` or an uncompressed number array) into a
 * full row-major bitmap of `size[0] × size[1]`.
 */
export function rleToMask(rle: { size: [number, number]; counts: string | readonly number[] }): Uint8Array {
  const [h, w] = rle.size;
  const counts = typeof rle.counts === 'string' ? decodeRleCounts(rle.counts) : rle.counts;
  const out = new Uint8Array(h * w);
  let pos = 0;
  for (let i = 0; i < counts.length; i++) {
    const run = counts[i];
    if (run < 0 || pos + run > h * w) {
      throw new InferenceError('CORE_ERR_INVALID_PARAMETER', `RLE runs exceed the ${h}×${w} image`);
    }
    if (i % 2 === 1) {
      // Column-major index pos..pos+run-1 -> (x = idx / h, y = idx % h).
      for (let idx = pos; idx < pos + run; idx++) out[(idx % h) * w + Math.floor(idx / h)] = 1;
    }
    pos += run;
  }
  return out;
}
