import type { Detections } from '../detections/detections.js';
import type { ModelManifest } from '../manifest/types.js';
import type { TensorData, TensorInfo } from '../runtime/types.js';
import { dimOf, familyError } from './tensors.js';
import type { DetectionHead, HeadContext } from './types.js';
import type { AnchorGrid } from './yolo-rows.js';
import { decodeRowHead, validateRowOutput } from './yolov5.js';

/** YOLOX's default strides. */
export const YOLOX_DEFAULT_STRIDES: readonly number[] = [8, 16, 32];

/** Strides from `manifest.options.strides`, checked; the default when absent. */
export function yoloxStrides(manifest: ModelManifest): readonly number[] {
  const s = manifest.options?.strides;
  if (s === undefined) return YOLOX_DEFAULT_STRIDES;
  if (!Array.isArray(s) || s.length === 0 || !s.every((v) => Number.isInteger(v) && v > 0)) {
    throw familyError(
      `yolox manifest options.strides must be a non-empty array of positive integers, got ${JSON.stringify(s)}`,
    );
  }
  return s as number[];
}

/** Number of anchors YOLOX produces for an input size: sum over strides of (H/s)·(W/s). */
export function yoloxAnchorCount(width: number, height: number, strides: readonly number[]): number {
  let n = 0;
  for (const s of strides) n += Math.floor(height / s) * Math.floor(width / s);
  return n;
}

/**
 * The YOLOX anchor grid: for each stride in order, cells row by row
 * (y outer, x inner), as YOLOX flattens its feature maps.
 *
 * @example
 * const g = yoloxGrid(64, 32, [8, 16, 32]); // 32 + 8 + 2 = 42 anchors
 * [g.gridX[9], g.gridY[9], g.stride[9]]      // [1, 1, 8]
 */
export function yoloxGrid(width: number, height: number, strides: readonly number[]): AnchorGrid {
  const n = yoloxAnchorCount(width, height, strides);
  const gridX = new Float32Array(n);
  const gridY = new Float32Array(n);
  const stride = new Float32Array(n);
  let i = 0;
  for (const s of strides) {
    const hs = Math.floor(height / s);
    const ws = Math.floor(width / s);
    for (let y = 0; y < hs; y++) {
      for (let x = 0; x < ws; x++) {
        gridX[i] = x;
        gridY[i] = y;
        stride[i] = s;
        i++;
      }
    }
  }
  return { gridX, gridY, stride };
}

/**
 * YOLOX head: output `[B, N, 5 + C]` of raw grid offsets (exported without
 * in-graph decoding); objectness and class scores already sigmoid. Strides
 * come from `manifest.options.strides` (default 8, 16, 32).
 */
export class YoloXHead implements DetectionHead {
  readonly family: string = 'yolox';
  // Megvii's exports take BGR 0..255 letterboxed into the top-left corner.
  readonly inputDefaults = { colorOrder: 'bgr', scale: 1, padAlign: 'top-left' } as const;
  // Grids depend only on input size and strides; models keep both fixed.
  #grids = new Map<string, AnchorGrid>();

  validate(outputs: readonly TensorInfo[], manifest: ModelManifest): void {
    const info = validateRowOutput(outputs, manifest, this.family);
    const strides = yoloxStrides(manifest);
    const anchors = dimOf(info, 1);
    const expected = yoloxAnchorCount(manifest.input.width, manifest.input.height, strides);
    if (!Number.isNaN(anchors) && anchors !== expected) {
      throw familyError(
        `yolox head expects ${expected} anchors for a ${manifest.input.width}×${manifest.input.height} input with strides ${strides.join('/')}, ` +
          `but output ${info.name} has ${anchors}; check input size and options.strides`,
      );
    }
  }

  decode(outputs: Record<string, TensorData>, batchSize: number, ctx: HeadContext): Detections[] {
    const strides = yoloxStrides(ctx.manifest);
    const key = `${ctx.inputWidth}x${ctx.inputHeight}/${strides.join(',')}`;
    let grid = this.#grids.get(key);
    if (!grid) {
      grid = yoloxGrid(ctx.inputWidth, ctx.inputHeight, strides);
      if (this.#grids.size > 16) this.#grids.clear();
      this.#grids.set(key, grid);
    }
    return decodeRowHead(this.family, outputs, batchSize, ctx, grid);
  }
}

/** The shared YOLOX head instance. */
export const yoloxHead: DetectionHead = new YoloXHead();
