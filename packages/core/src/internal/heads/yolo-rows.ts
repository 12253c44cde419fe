import type { ResolvedDetectionParams } from '../postprocess/params.js';
import type { TensorData } from '../runtime/types.js';
import { allocCandidates, type Candidates, emptyCandidates } from './candidates.js';
import { checkTensor, float32Data, postprocessError } from './tensors.js';

/**
 * Per-anchor grid for YOLOX-style raw outputs: the box of row i is
 * `((x + gridX[i]) * stride[i], (y + gridY[i]) * stride[i], exp(w) * stride[i], exp(h) * stride[i])`.
 */
export interface AnchorGrid {
  gridX: Float32Array;
  gridY: Float32Array;
  stride: Float32Array;
}

/**
 * Decode one image of a row-major YOLO output `[B, N, 5 + C + E]`: per row
 * cx, cy, w, h, objectness, C class scores (already sigmoid), then E extras
 * (e.g. 32 YOLOv5-seg mask coefficients). Score = objectness × best class.
 * With a `grid`, the box values are YOLOX raw offsets decoded on that grid;
 * without, they are already input pixels (YOLOv5/YOLOv7).
 *
 * Rows whose objectness is not above the threshold are rejected before their
 * class scores are read (class scores are at most 1).
 *
 * @example
 * const c = decodeYoloRowCandidates(outputs.output0, 0, 80, { confidence: 0.4 });
 */
export function decodeYoloRowCandidates(
  out: TensorData,
  batchIndex: number,
  numClasses: number,
  params: Pick<ResolvedDetectionParams, 'confidence'>,
  allowed?: Uint8Array,
  grid?: AnchorGrid,
): Candidates {
  checkTensor(out, 'yolo output', 3, batchIndex);
  const n = out.dims[1];
  const width = out.dims[2];
  if (numClasses < 1 || width < 5 + numClasses) {
    throw postprocessError(`yolo output rows have ${width} values, fewer than 5 + ${numClasses} classes`);
  }
  if (grid && grid.stride.length !== n) {
    throw postprocessError(`yolox output has ${n} anchors but the stride grid has ${grid.stride.length}`);
  }
  const extraCount = width - 5 - numClasses;
  if (n === 0) return emptyCandidates(extraCount);
  const d = float32Data(out);
  const base = batchIndex * n * width;
  // Scores are float32: compare in float32 so a score equal to the threshold is not 'above' it.
  const threshold = Math.fround(params.confidence);

  const rows = new Uint32Array(n);
  const scores = new Float32Array(n);
  const classes = new Int32Array(n);
  let count = 0;
  for (let r = 0; r < n; r++) {
    const o = base + r * width;
    const obj = d[o + 4];
    if (!(obj > threshold)) continue;
    let best = d[o + 5];
    let bestClass = 0;
    for (let c = 1; c < numClasses; c++) {
      const v = d[o + 5 + c];
      if (v > best) {
        best = v;
        bestClass = c;
      }
    }
    const score = Math.fround(obj * best);
    if (!(score > threshold) || (allowed && allowed[bestClass] !== 1)) continue;
    rows[count] = r;
    scores[count] = score;
    classes[count] = bestClass;
    count++;
  }

  const cand = allocCandidates(count, extraCount);
  const { xyxy, anchor, extras } = cand;
  cand.confidence.set(scores.subarray(0, count));
  cand.classId.set(classes.subarray(0, count));
  for (let k = 0; k < count; k++) {
    const r = rows[k];
    const o = base + r * width;
    let cx = d[o];
    let cy = d[o + 1];
    let w = d[o + 2];
    let h = d[o + 3];
    if (grid) {
      const s = grid.stride[r];
      cx = (cx + grid.gridX[r]) * s;
      cy = (cy + grid.gridY[r]) * s;
      w = Math.exp(w) * s;
      h = Math.exp(h) * s;
    }
    xyxy[k * 4] = cx - w / 2;
    xyxy[k * 4 + 1] = cy - h / 2;
    xyxy[k * 4 + 2] = cx + w / 2;
    xyxy[k * 4 + 3] = cy + h / 2;
    anchor[k] = r;
    for (let e = 0; e < extraCount; e++) extras[k * extraCount + e] = d[o + 5 + numClasses + e];
  }
  return cand;
}
