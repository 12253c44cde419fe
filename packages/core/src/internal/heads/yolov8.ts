import type { Detections } from '../detections/detections.js';
import type { ModelManifest } from '../manifest/types.js';
import { classFilterMask } from '../postprocess/filter.js';
import type { ResolvedDetectionParams } from '../postprocess/params.js';
import type { TensorData, TensorInfo } from '../runtime/types.js';
import { allocCandidates, type Candidates, emptyCandidates, finishCandidates } from './candidates.js';
import {
  checkTensor,
  describe,
  dimOf,
  familyError,
  float32Data,
  outputsOfRank,
  postprocessError,
} from './tensors.js';
import type { DetectionHead, HeadContext } from './types.js';

/**
 * Decode one image of an Ultralytics YOLOv8/YOLO11/YOLOv9 output
 * `[B, 4 + C + E, N]`: per anchor (last axis) cx, cy, w, h in input pixels,
 * then C class scores (already sigmoid), then E extra values (32 mask
 * coefficients for seg, K×3 keypoint values for pose...).
 *
 * The tensor is read in place (never transposed): a first pass over the
 * contiguous class channels marks anchors with any score above
 * `params.confidence`; only those get an argmax, a box and their extras, and
 * only if their best class is `allowed`.
 *
 * @param numClasses C, from `manifest.classes.length`; E is whatever channels remain.
 * @param allowed class-id mask from `classFilterMask` (undefined = all classes).
 * @example
 * const c = decodeYoloV8Candidates(outputs.output0, 0, 80, { confidence: 0.4 });
 * c.count; c.xyxy; c.extras // count × (channels - 84)
 */
export function decodeYoloV8Candidates(
  out: TensorData,
  batchIndex: number,
  numClasses: number,
  params: Pick<ResolvedDetectionParams, 'confidence'>,
  allowed?: Uint8Array,
): Candidates {
  checkTensor(out, 'yolov8 output', 3, batchIndex);
  const channels = out.dims[1];
  const n = out.dims[2];
  if (numClasses < 1 || channels < 4 + numClasses) {
    throw postprocessError(
      `yolov8 output has ${channels} channels per anchor, fewer than 4 box values + ${numClasses} classes`,
    );
  }
  const extraCount = channels - 4 - numClasses;
  if (n === 0) return emptyCandidates(extraCount);
  const d = float32Data(out);
  const base = batchIndex * channels * n;

  // Scores are float32: compare in float32 so a score equal to the threshold is not 'above' it.
  const threshold = Math.fround(params.confidence);
  const scoreBase = base + 4 * n;
  const marked = markAnchorsAbove(d, scoreBase, n, numClasses, threshold);
  let markedCount = 0;
  for (let a = 0; a < n; a++) markedCount += marked[a];

  // Argmax only for marked anchors (few at usual thresholds).
  const rows = new Uint32Array(markedCount);
  const bestScore = new Float32Array(markedCount);
  const bestClass = new Int32Array(markedCount);
  let count = 0;
  for (let a = 0; a < n; a++) {
    if (marked[a] === 0) continue;
    let best = d[scoreBase + a];
    let cls = 0;
    for (let c = 1; c < numClasses; c++) {
      const v = d[scoreBase + c * n + a];
      if (v > best) {
        best = v;
        cls = c;
      }
    }
    if (!(best > threshold) || (allowed && allowed[cls] !== 1)) continue;
    rows[count] = a;
    bestScore[count] = best;
    bestClass[count++] = cls;
  }

  const cand = allocCandidates(count, extraCount);
  const { xyxy, confidence, classId, anchor, extras } = cand;
  for (let k = 0; k < count; k++) {
    const a = rows[k];
    const cx = d[base + a];
    const cy = d[base + n + a];
    const hw = d[base + 2 * n + a] / 2;
    const hh = d[base + 3 * n + a] / 2;
    xyxy[k * 4] = cx - hw;
    xyxy[k * 4 + 1] = cy - hh;
    xyxy[k * 4 + 2] = cx + hw;
    xyxy[k * 4 + 3] = cy + hh;
    confidence[k] = bestScore[k];
    classId[k] = bestClass[k];
    anchor[k] = a;
    const extraBase = base + (4 + numClasses) * n + a;
    for (let e = 0; e < extraCount; e++) extras[k * extraCount + e] = d[extraBase + e * n];
  }
  return cand;
}

/**
 * Early reject: 1 for anchors where any of the `numClasses` contiguous score
 * channels starting at `scoreBase` is above `threshold`. This pass reads
 * every score, so it is the decoder's hot loop: channels are taken four at a
 * time (one mark store per four loads) and compared as int32 bit patterns,
 * which order like the floats for the non-negative threshold (negative
 * scores are negative ints; NaN is marked and dropped by the argmax check).
 */
function markAnchorsAbove(
  d: Float32Array,
  scoreBase: number,
  n: number,
  numClasses: number,
  threshold: number,
): Uint8Array {
  const marked = new Uint8Array(n);
  if (!(threshold >= 0)) return marked.fill(1);
  const bits = new Int32Array(d.buffer, d.byteOffset, d.length);
  const t = new Int32Array(new Float32Array([threshold]).buffer)[0];
  let c = 0;
  for (; c + 3 < numClasses; c += 4) {
    const o0 = scoreBase + c * n;
    const o1 = o0 + n;
    const o2 = o1 + n;
    const o3 = o2 + n;
    for (let a = 0; a < n; a++) {
      if (bits[o0 + a] > t || bits[o1 + a] > t || bits[o2 + a] > t || bits[o3 + a] > t) marked[a] = 1;
    }
  }
  for (; c < numClasses; c++) {
    const o = scoreBase + c * n;
    for (let a = 0; a < n; a++) if (bits[o + a] > t) marked[a] = 1;
  }
  return marked;
}

/** The first rank-3 output's metadata, or a family error. */
function mainOutput(outputs: readonly TensorInfo[], family: string, expected: string): TensorInfo {
  const info = outputs.find((o) => o.shape.length === 3);
  if (!info) {
    throw familyError(
      `${family} head expects an output ${expected}; the model has ${outputs.map(describe).join(', ') || 'no outputs'}`,
    );
  }
  return info;
}

/**
 * Ultralytics YOLOv8 / YOLO11 / YOLOv9 detection head: output `[B, 4 + C, N]`
 * (extra channels after the classes are kept per detection in `data.extras`).
 */
export class YoloV8Head implements DetectionHead {
  readonly family: string = 'yolov8';

  validate(outputs: readonly TensorInfo[], manifest: ModelManifest): void {
    const c = manifest.classes.length;
    const info = mainOutput(outputs, this.family, `[batch, 4 + ${c} classes, anchors]`);
    const channels = dimOf(info, 1);
    const anchors = dimOf(info, 2);
    if (!(channels >= 4 + c)) {
      throw familyError(
        `${this.family} head expects output ${info.name} as [batch, 4 + ${c} classes (+ extras), anchors], got [${info.shape.join(', ')}]: ` +
          `${channels} channels cannot hold 4 box values and the manifest's ${c} classes`,
        { output: info.name, shape: info.shape, classes: c },
      );
    }
    if (anchors < channels) {
      throw familyError(
        `${this.family} head expects anchors on the last axis of ${describe(info)}, but it has fewer entries (${anchors}) than channels (${channels}); is this a [batch, anchors, values] (yolov5-style) model?`,
      );
    }
  }

  decode(outputs: Record<string, TensorData>, batchSize: number, ctx: HeadContext): Detections[] {
    const [name, out] = outputsOfRank(outputs, 3)[0] ?? [];
    if (!out || !name) throw postprocessError(`${this.family} head found no rank-3 output in the run`);
    const classes = ctx.manifest.classes;
    const allowed = classFilterMask(classes, ctx.params.classFilter);
    const result: Detections[] = [];
    for (let b = 0; b < batchSize; b++) {
      const cand = decodeYoloV8Candidates(out, b, classes.length, ctx.params, allowed);
      result.push(finishCandidates(cand, ctx.params, true, { classNames: classes }));
    }
    return result;
  }
}

/** The shared YOLOv8 head instance. */
export const yolov8Head: DetectionHead = new YoloV8Head();
