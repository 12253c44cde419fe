import type { Detections } from '../detections/detections.js';
import type { ModelManifest } from '../manifest/types.js';
import { classFilterMask } from '../postprocess/filter.js';
import type { TensorData, TensorInfo } from '../runtime/types.js';
import { allocCandidates, type Candidates, finishCandidates } from './candidates.js';
import { checkTensor, describe, familyError, float32Data } from './tensors.js';
import type { DetectionHead, HeadContext } from './types.js';

/** How an NMS-free model writes boxes and scores (`manifest.options`). */
export interface End2EndOptions {
  /** Box layout: corners or centre + size. */
  boxFormat: 'xyxy' | 'cxcywh';
  /** Boxes in 0..1 of the input size rather than pixels. */
  normalized: boolean;
  /** What turns class logits into scores. */
  scoreActivation: 'sigmoid' | 'softmax' | 'none';
}

/**
 * Output layouts of NMS-free models:
 * - `dets`: one `[B, N, 6 (+E)]` output = x1, y1, x2, y2, score, class (YOLOv10, YOLO26).
 * - `detr`: boxes `[B, Q, 4]` + class logits `[B, Q, C]` or `[B, Q, C + 1]` (RT-DETR, RF-DETR, DETR).
 * - `scored`: boxes `[B, Q, 4]` + scores `[B, Q]` + labels `[B, Q]` (exports with the top-k in graph).
 */
export type End2EndLayout =
  | { kind: 'dets'; dets: string }
  | { kind: 'detr'; boxes: string; logits: string }
  | { kind: 'scored'; boxes: string; scores: string; labels: string };

const BOX_NAMES = ['boxes', 'pred_boxes', 'dets', 'bboxes'];
const LOGIT_NAMES = ['logits', 'pred_logits', 'labels', 'scores', 'class_logits'];

const DEFAULTS: Record<End2EndLayout['kind'], End2EndOptions> = {
  dets: { boxFormat: 'xyxy', normalized: false, scoreActivation: 'none' },
  detr: { boxFormat: 'cxcywh', normalized: true, scoreActivation: 'sigmoid' },
  scored: { boxFormat: 'xyxy', normalized: false, scoreActivation: 'none' },
};

interface Shaped {
  name: string;
  shape: readonly (number | string)[];
}

const last = (o: Shaped): number | string => o.shape[o.shape.length - 1];

/**
 * Work out which outputs hold boxes and scores, by name first
 * ('dets'/'boxes'/'pred_boxes' and 'labels'/'logits'/'scores'/'pred_logits'),
 * then by shape. Throws CORE_ERR_MODEL_FAMILY when nothing fits.
 */
export function resolveEnd2EndLayout(outputs: readonly Shaped[]): End2EndLayout {
  const rank3 = outputs.filter((o) => o.shape.length === 3);
  const rank2 = outputs.filter((o) => o.shape.length === 2);
  const boxes =
    rank3.find((o) => BOX_NAMES.includes(o.name) && last(o) === 4) ??
    (outputs.length > 1 ? singleOrUndefined(rank3.filter((o) => last(o) === 4)) : undefined);
  if (boxes) {
    const others = rank3.filter((o) => o !== boxes);
    const logits = others.find((o) => LOGIT_NAMES.includes(o.name)) ?? singleOrUndefined(others);
    if (logits) return { kind: 'detr', boxes: boxes.name, logits: logits.name };
    const scores = rank2.find((o) => o.name === 'scores');
    const labels = rank2.find((o) => o.name === 'labels');
    if (scores && labels)
      return { kind: 'scored', boxes: boxes.name, scores: scores.name, labels: labels.name };
  } else if (rank3.length === 1) {
    const w = last(rank3[0]);
    if (typeof w === 'number' && w >= 6) return { kind: 'dets', dets: rank3[0].name };
  }
  throw familyError(
    `end2end head cannot find its outputs: expected [batch, N, 6] (x1, y1, x2, y2, score, class), or boxes [batch, Q, 4] with logits [batch, Q, classes]; the model has ${outputs.map(describe).join(', ') || 'no outputs'}`,
  );
}

function singleOrUndefined<T>(list: T[]): T | undefined {
  return list.length === 1 ? list[0] : undefined;
}

/** `manifest.options` over the layout's defaults, checked. */
export function end2endOptions(manifest: ModelManifest, kind: End2EndLayout['kind']): End2EndOptions {
  const o = manifest.options ?? {};
  const d = DEFAULTS[kind];
  const boxFormat = o.boxFormat ?? d.boxFormat;
  const normalized = o.normalized ?? d.normalized;
  const scoreActivation = o.scoreActivation ?? d.scoreActivation;
  if (boxFormat !== 'xyxy' && boxFormat !== 'cxcywh') {
    throw familyError(
      `end2end options.boxFormat must be 'xyxy' or 'cxcywh', got ${JSON.stringify(boxFormat)}`,
    );
  }
  if (typeof normalized !== 'boolean') {
    throw familyError(`end2end options.normalized must be a boolean, got ${JSON.stringify(normalized)}`);
  }
  if (scoreActivation !== 'sigmoid' && scoreActivation !== 'softmax' && scoreActivation !== 'none') {
    throw familyError(
      `end2end options.scoreActivation must be 'sigmoid', 'softmax' or 'none', got ${JSON.stringify(scoreActivation)}`,
    );
  }
  return { boxFormat, normalized, scoreActivation };
}

/** Where one image's box values live and how to turn them into input pixels. */
interface BoxSource {
  data: Float32Array;
  /** Offset of row 0 of this image. */
  base: number;
  /** Values per row. */
  stride: number;
  opts: End2EndOptions;
  width: number;
  height: number;
}

function writeBox(src: BoxSource, row: number, out: Float32Array, k: number): void {
  const o = src.base + row * src.stride;
  const sx = src.opts.normalized ? src.width : 1;
  const sy = src.opts.normalized ? src.height : 1;
  let a = src.data[o] * sx;
  let b = src.data[o + 1] * sy;
  let c = src.data[o + 2] * sx;
  let d = src.data[o + 3] * sy;
  if (src.opts.boxFormat === 'cxcywh') {
    const hw = c / 2;
    const hh = d / 2;
    [a, b, c, d] = [a - hw, b - hh, a + hw, b + hh];
  }
  out[k * 4] = a;
  out[k * 4 + 1] = b;
  out[k * 4 + 2] = c;
  out[k * 4 + 3] = d;
}

/** Fill candidates from rows that passed (row, score, class), reading boxes from `src`. */
function gather(
  src: BoxSource,
  rows: Uint32Array,
  scores: Float32Array,
  classes: Int32Array,
  count: number,
  extraCount: number,
  extraAt: number,
): Candidates {
  const cand = allocCandidates(count, extraCount);
  cand.confidence.set(scores.subarray(0, count));
  cand.classId.set(classes.subarray(0, count));
  for (let k = 0; k < count; k++) {
    const r = rows[k];
    writeBox(src, r, cand.xyxy, k);
    cand.anchor[k] = r;
    const o = src.base + r * src.stride + extraAt;
    for (let e = 0; e < extraCount; e++) cand.extras[k * extraCount + e] = src.data[o + e];
  }
  return cand;
}

/** Decode one image of an end2end run into candidates (threshold and class filter applied). */
function decodeImage(
  outputs: Record<string, TensorData>,
  layout: End2EndLayout,
  b: number,
  ctx: HeadContext,
  allowed: Uint8Array | undefined,
  opts: End2EndOptions,
): Candidates {
  const numClasses = ctx.manifest.classes.length;
  // Scores are stored as float32: compare in float32 so a score equal to the threshold is not 'above' it.
  const threshold = Math.fround(ctx.params.confidence);
  const size = { width: ctx.inputWidth, height: ctx.inputHeight };

  if (layout.kind === 'dets') {
    const t = checkTensor(outputs[layout.dets], layout.dets, 3, b);
    const [, n, w] = t.dims;
    const d = float32Data(t);
    const src: BoxSource = { data: d, base: b * n * w, stride: w, opts, ...size };
    const rows = new Uint32Array(n);
    const scores = new Float32Array(n);
    const classes = new Int32Array(n);
    let count = 0;
    for (let r = 0; r < n; r++) {
      const o = src.base + r * w;
      const s = activate1(d[o + 4], opts.scoreActivation);
      const c = Math.round(d[o + 5]);
      if (!(s > threshold) || c < 0 || (numClasses > 0 && c >= numClasses) || (allowed && allowed[c] !== 1))
        continue;
      rows[count] = r;
      scores[count] = s;
      classes[count++] = c;
    }
    return gather(src, rows, scores, classes, count, w - 6, 6);
  }

  const bt = checkTensor(outputs[layout.boxes], layout.boxes, 3, b);
  const q = bt.dims[1];
  const src: BoxSource = { data: float32Data(bt), base: b * q * 4, stride: 4, opts, ...size };
  const rows = new Uint32Array(q);
  const scores = new Float32Array(q);
  const classes = new Int32Array(q);
  let count = 0;

  if (layout.kind === 'scored') {
    const st = checkTensor(outputs[layout.scores], layout.scores, 2, b);
    const lt = checkTensor(outputs[layout.labels], layout.labels, 2, b);
    const s = float32Data(st);
    const l = float32Data(lt);
    for (let r = 0; r < q; r++) {
      const score = activate1(s[b * q + r], opts.scoreActivation);
      const c = Math.round(l[b * q + r]);
      if (
        !(score > threshold) ||
        c < 0 ||
        (numClasses > 0 && c >= numClasses) ||
        (allowed && allowed[c] !== 1)
      )
        continue;
      rows[count] = r;
      scores[count] = score;
      classes[count++] = c;
    }
    return gather(src, rows, scores, classes, count, 0, 0);
  }

  const lt = checkTensor(outputs[layout.logits], layout.logits, 3, b);
  const k = lt.dims[2];
  if (lt.dims[1] !== q || (k !== numClasses && k !== numClasses + 1)) {
    throw familyError(
      `end2end logits ${layout.logits} [${lt.dims.join(', ')}] do not fit ${q} queries and the manifest's ${numClasses} classes (expected ${numClasses} or ${numClasses + 1} per query)`,
    );
  }
  const l = float32Data(lt);
  for (let r = 0; r < q; r++) {
    const o = (b * q + r) * k;
    // Best of the real classes; a (C+1)-th column is DETR's "no object" and never wins.
    let best = l[o];
    let bestClass = 0;
    for (let c = 1; c < numClasses; c++) {
      if (l[o + c] > best) {
        best = l[o + c];
        bestClass = c;
      }
    }
    let score: number;
    if (opts.scoreActivation === 'softmax') {
      let m = best;
      for (let c = numClasses; c < k; c++) if (l[o + c] > m) m = l[o + c];
      let sum = 0;
      for (let c = 0; c < k; c++) sum += Math.exp(l[o + c] - m);
      score = Math.fround(Math.exp(best - m) / sum);
    } else {
      score = activate1(best, opts.scoreActivation);
    }
    if (!(score > threshold) || (allowed && allowed[bestClass] !== 1)) continue;
    rows[count] = r;
    scores[count] = score;
    classes[count++] = bestClass;
  }
  return gather(src, rows, scores, classes, count, 0, 0);
}

/** Element-wise activation of one score ('softmax' of a single score is not defined: kept as is). */
function activate1(v: number, activation: End2EndOptions['scoreActivation']): number {
  return Math.fround(activation === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : v);
}

/**
 * NMS-free head (YOLOv10 / YOLO26 end-to-end exports, RT-DETR, RF-DETR, DETR):
 * confidence threshold, class filter and max detections only. Layouts are
 * described by {@link End2EndLayout}; `manifest.options` may set `boxFormat`,
 * `normalized` and `scoreActivation` (see {@link End2EndOptions}).
 */
export class End2EndHead implements DetectionHead {
  readonly family: string = 'end2end';

  validate(outputs: readonly TensorInfo[], manifest: ModelManifest): void {
    const layout = resolveEnd2EndLayout(outputs);
    end2endOptions(manifest, layout.kind);
    if (layout.kind !== 'detr') return;
    const c = manifest.classes.length;
    const boxes = outputs.find((o) => o.name === layout.boxes)!;
    const logits = outputs.find((o) => o.name === layout.logits)!;
    const k = last(logits);
    if (typeof k === 'number' && k !== c && k !== c + 1) {
      throw familyError(
        `end2end head expects logits ${describe(logits)} to have ${c} (or ${c + 1} with a no-object column) values per query for the manifest's ${c} classes`,
        { output: logits.name, shape: logits.shape, classes: c },
      );
    }
    const qb = boxes.shape[1];
    const ql = logits.shape[1];
    if (typeof qb === 'number' && typeof ql === 'number' && qb !== ql) {
      throw familyError(
        `end2end boxes ${describe(boxes)} and logits ${describe(logits)} disagree on the number of queries`,
      );
    }
  }

  decode(outputs: Record<string, TensorData>, batchSize: number, ctx: HeadContext): Detections[] {
    const layout = resolveEnd2EndLayout(
      Object.entries(outputs).map(([name, t]) => ({ name, shape: t.dims })),
    );
    const opts = end2endOptions(ctx.manifest, layout.kind);
    const allowed = classFilterMask(ctx.manifest.classes, ctx.params.classFilter);
    const result: Detections[] = [];
    for (let b = 0; b < batchSize; b++) {
      const cand = decodeImage(outputs, layout, b, ctx, allowed, opts);
      result.push(finishCandidates(cand, ctx.params, false, { classNames: ctx.manifest.classes }));
    }
    return result;
  }
}

/** The shared end2end head instance. */
export const end2endHead: DetectionHead = new End2EndHead();
