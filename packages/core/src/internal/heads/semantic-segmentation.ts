import sharp from 'sharp';
import { InferenceError } from '../errors.js';
import type { PreprocessMeta } from '../preprocess/types.js';
import type { TensorData } from '../runtime/types.js';
import type { ClassificationActivation } from './classification.js';
import { float32Data, postprocessError } from './tensors.js';

/** One image's semantic segmentation, in original-image pixels. */
export interface SemanticSegmentationMaps {
  /** Original image size. */
  width: number;
  height: number;
  /** `width × height` class index per pixel (row-major). Pixels the network did not see are 0. */
  classMask: Uint8Array;
  /** `width × height` confidence of the chosen class, scaled to 0..255 (row-major). */
  confidenceMask: Uint8Array;
  /** Pixel value (class index as a string) -> class name, for every class. */
  classMap: Record<string, string>;
  /** Class ids that occur in `classMask`, ascending. */
  presentClassIds: number[];
}

/** Options of {@link decodeSemanticSegmentation}. */
export interface SemanticSegmentationOptions {
  classes: readonly string[];
  /** How channel values become probabilities; 'auto' (default) detects outputs that already are (all in [0, 1], summing to 1). */
  activation?: ClassificationActivation | 'auto';
}

/**
 * Per-pixel class scores `[B, C, h, w]` -> class index (argmax) and confidence
 * per pixel, at the output resolution, then mapped to every pixel of the
 * original image through the preprocessing meta (nearest output cell; the
 * letterbox padding is never sampled). A single-channel output is a binary
 * foreground map (class 1 when its probability is above 0.5).
 *
 * @example
 * const seg = decodeSemanticSegmentation(outputs.output, 0, meta, { classes: ['background', 'road'] });
 * seg.presentClassIds // [0, 1]
 */
export function decodeSemanticSegmentation(
  output: TensorData,
  batchIndex: number,
  meta: PreprocessMeta,
  opts: SemanticSegmentationOptions,
): SemanticSegmentationMaps {
  if (output.dims.length !== 4 || batchIndex < 0 || batchIndex >= output.dims[0]) {
    throw postprocessError(
      `semantic segmentation expects [batch, classes, height, width], got [${output.dims.join(', ')}] for image ${batchIndex}`,
    );
  }
  const [, c, oh, ow] = output.dims;
  if (c > 256)
    throw postprocessError(`semantic segmentation has ${c} classes; the class mask holds at most 256`);
  if (opts.classes.length > 0 && opts.classes.length !== c && !(c === 1 && opts.classes.length === 2)) {
    throw postprocessError(
      `semantic segmentation output has ${c} channels but the manifest lists ${opts.classes.length} classes`,
    );
  }
  const values = float32Data(output).subarray(batchIndex * c * oh * ow, (batchIndex + 1) * c * oh * ow);
  const { cls, conf } = argmaxCells(values, c, oh * ow, opts.activation ?? 'auto');

  // Original pixel -> output cell, per column and per row (-1 = outside what the network saw).
  const { originalWidth: width, originalHeight: height } = meta;
  const col = axisCells(width, meta.cropX, meta.cropWidth, meta.scaleX, meta.padX, meta.inputWidth, ow);
  const row = axisCells(height, meta.cropY, meta.cropHeight, meta.scaleY, meta.padY, meta.inputHeight, oh);
  const classMask = new Uint8Array(width * height);
  const confidenceMask = new Uint8Array(width * height);
  const present = new Uint8Array(256);
  for (let y = 0; y < height; y++) {
    const r = row[y];
    if (r < 0) continue;
    const o = y * width;
    for (let x = 0; x < width; x++) {
      const k = col[x];
      if (k < 0) continue;
      const cell = r * ow + k;
      classMask[o + x] = cls[cell];
      confidenceMask[o + x] = conf[cell];
      present[cls[cell]] = 1;
    }
  }
  // Pixels outside the network's view hold class 0 too.
  if (col.includes(-1) || row.includes(-1)) present[0] = 1;
  const presentClassIds: number[] = [];
  for (let i = 0; i < 256; i++) if (present[i]) presentClassIds.push(i);
  const names =
    opts.classes.length > 0 ? opts.classes : Array.from({ length: Math.max(c, 2) }, (_, i) => String(i));
  const classMap: Record<string, string> = {};
  names.forEach((n, i) => {
    classMap[String(i)] = n;
  });
  return { width, height, classMask, confidenceMask, classMap, presentClassIds };
}

/** Argmax class and its probability (as 0..255) for each of `cells` output cells. */
function argmaxCells(
  v: Float32Array,
  c: number,
  cells: number,
  wanted: ClassificationActivation | 'auto',
): { cls: Uint8Array; conf: Uint8Array } {
  const cls = new Uint8Array(cells);
  const conf = new Uint8Array(cells);
  const best = new Float32Array(cells);
  let activation = wanted;
  if (activation === 'auto')
    activation = looksLikeProbabilities(v, c, cells) ? 'none' : c === 1 ? 'sigmoid' : 'softmax';
  if (c === 1) {
    for (let i = 0; i < cells; i++) {
      const p = activation === 'sigmoid' ? 1 / (1 + Math.exp(-v[i])) : v[i];
      cls[i] = p > 0.5 ? 1 : 0;
      conf[i] = toByte(p > 0.5 ? p : 1 - p);
    }
    return { cls, conf };
  }
  best.set(v.subarray(0, cells));
  for (let k = 1; k < c; k++) {
    const off = k * cells;
    for (let i = 0; i < cells; i++) {
      if (v[off + i] > best[i]) {
        best[i] = v[off + i];
        cls[i] = k;
      }
    }
  }
  if (activation === 'none') {
    for (let i = 0; i < cells; i++) conf[i] = toByte(best[i]);
  } else if (activation === 'sigmoid') {
    for (let i = 0; i < cells; i++) conf[i] = toByte(1 / (1 + Math.exp(-best[i])));
  } else {
    // softmax probability of the best class = 1 / Σ exp(v_k - v_best)
    const sum = new Float32Array(cells);
    for (let k = 0; k < c; k++) {
      const off = k * cells;
      for (let i = 0; i < cells; i++) sum[i] += Math.exp(v[off + i] - best[i]);
    }
    for (let i = 0; i < cells; i++) conf[i] = toByte(1 / sum[i]);
  }
  return { cls, conf };
}

function toByte(p: number): number {
  return Math.round(Math.min(1, Math.max(0, p)) * 255);
}

/** True when every value is in [0, 1] and (for C > 1) each cell's channels sum to 1. */
function looksLikeProbabilities(v: Float32Array, c: number, cells: number): boolean {
  for (let i = 0; i < v.length; i++) if (!(v[i] >= 0 && v[i] <= 1)) return false;
  if (c === 1) return true;
  for (let i = 0; i < cells; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += v[k * cells + i];
    if (Math.abs(s - 1) > 1e-2) return false;
  }
  return true;
}

/** For each original pixel along an axis, the output cell its centre falls in, or -1 outside the crop/network view. */
function axisCells(
  size: number,
  crop: number,
  cropSize: number,
  scale: number,
  pad: number,
  input: number,
  out: number,
): Int32Array {
  const cells = new Int32Array(size).fill(-1);
  for (let i = Math.max(0, crop); i < Math.min(size, crop + cropSize); i++) {
    const net = (i + 0.5 - crop) * scale + pad;
    if (net < 0 || net >= input) continue;
    cells[i] = Math.min(out - 1, Math.floor((net * out) / input));
  }
  return cells;
}

/** Roboflow's wire form of {@link SemanticSegmentationMaps} (`predictions` of a semantic-segmentation response). */
export interface SemanticSegmentationWire {
  /** base64 PNG, 8-bit gray, class index per pixel. */
  segmentation_mask: string;
  class_map: Record<string, string>;
  /** base64 PNG, 8-bit gray, confidence × 255. */
  confidence_mask: string;
  present_class_ids: number[];
}

/** Encode an 8-bit single-channel bitmap as PNG (sharp); wraps sharp failures in CORE_ERR_POSTPROCESS. */
export async function encodeGrayPng(data: Uint8Array, width: number, height: number): Promise<Buffer> {
  try {
    // Without 'b-w' sharp widens one-channel input to RGB on output.
    return await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
      raw: { width, height, channels: 1 },
    })
      .toColourspace('b-w')
      .png()
      .toBuffer();
  } catch (cause) {
    throw new InferenceError('CORE_ERR_POSTPROCESS', `cannot encode a ${width}×${height} mask as PNG`, {
      cause,
    });
  }
}

/**
 * The Roboflow JSON `predictions` for a semantic segmentation.
 *
 * @example
 * const wire = await semanticSegmentationToWire(seg);
 * Buffer.from(wire.segmentation_mask, 'base64').subarray(1, 4).toString() // 'PNG'
 */
export async function semanticSegmentationToWire(
  seg: SemanticSegmentationMaps,
): Promise<SemanticSegmentationWire> {
  const [mask, confidence] = await Promise.all([
    encodeGrayPng(seg.classMask, seg.width, seg.height),
    encodeGrayPng(seg.confidenceMask, seg.width, seg.height),
  ]);
  return {
    segmentation_mask: mask.toString('base64'),
    class_map: seg.classMap,
    confidence_mask: confidence.toString('base64'),
    present_class_ids: seg.presentClassIds,
  };
}
