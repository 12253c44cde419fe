import { Detections } from '../detections/detections.js';
import type { ResolvedDetectionParams } from '../postprocess/params.js';
import { selectDetections } from '../postprocess/select.js';

/**
 * Decoded, confidence-filtered boxes of one image before NMS, as parallel
 * typed arrays. Coordinates are network-input pixels.
 */
export interface Candidates {
  readonly count: number;
  /** count×4 x1, y1, x2, y2. */
  readonly xyxy: Float32Array;
  /** count scores. */
  readonly confidence: Float32Array;
  /** count class ids. */
  readonly classId: Int32Array;
  /** Row of the output (anchor or query index) each candidate came from. */
  readonly anchor: Uint32Array;
  /** count×extraCount values that followed the class scores (mask coefficients, keypoints...). */
  readonly extras: Float32Array;
  readonly extraCount: number;
}

/** Empty candidates with room for nothing. */
export function emptyCandidates(extraCount = 0): Candidates {
  return {
    count: 0,
    xyxy: new Float32Array(0),
    confidence: new Float32Array(0),
    classId: new Int32Array(0),
    anchor: new Uint32Array(0),
    extras: new Float32Array(0),
    extraCount,
  };
}

/** Allocate candidates for `count` rows (to be filled by a decoder). */
export function allocCandidates(count: number, extraCount: number): Candidates {
  return {
    count,
    xyxy: new Float32Array(count * 4),
    confidence: new Float32Array(count),
    classId: new Int32Array(count),
    anchor: new Uint32Array(count),
    extras: new Float32Array(count * extraCount),
    extraCount,
  };
}

/** How {@link candidatesToDetections} names and keeps extra columns. */
export interface ToDetectionsOptions {
  /** Class names by id, written to `data.className` ('' for ids out of range). */
  classNames: readonly string[];
  /** `data` key for each detection's extras (a Float32Array of `extraCount`); omitted when there are none. Default 'extras'. */
  extrasKey?: string;
  /** Collection metadata. */
  metadata?: Record<string, unknown>;
}

/**
 * Build `Detections` from the candidates at `indices`, in that order. Extras,
 * when present, become `data[extrasKey]`: one Float32Array per detection.
 *
 * @example
 * candidatesToDetections(c, selectDetections(c, params, true), { classNames: manifest.classes })
 */
export function candidatesToDetections(
  c: Candidates,
  indices: ArrayLike<number>,
  options: ToDetectionsOptions,
): Detections {
  const n = indices.length;
  const xyxy = new Float32Array(n * 4);
  const confidence = new Float32Array(n);
  const classId = new Int32Array(n);
  const className: string[] = new Array(n);
  const e = c.extraCount;
  const extras: Float32Array[] | undefined = e > 0 ? new Array(n) : undefined;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    xyxy.set(c.xyxy.subarray(i * 4, i * 4 + 4), k * 4);
    confidence[k] = c.confidence[i];
    classId[k] = c.classId[i];
    className[k] = options.classNames[c.classId[i]] ?? '';
    if (extras) extras[k] = c.extras.slice(i * e, i * e + e);
  }
  const data: Record<string, readonly unknown[]> = { className };
  if (extras) data[options.extrasKey ?? 'extras'] = extras;
  return new Detections({ xyxy, confidence, classId, data, metadata: options.metadata });
}

/**
 * Candidates -> final Detections: top-k, NMS (unless `applyNms` is false),
 * max detections, then {@link candidatesToDetections}.
 */
export function finishCandidates(
  c: Candidates,
  params: ResolvedDetectionParams,
  applyNms: boolean,
  options: ToDetectionsOptions,
): Detections {
  if (c.count === 0) return candidatesToDetections(c, [], options);
  return candidatesToDetections(c, selectDetections(c, params, applyNms), options);
}
