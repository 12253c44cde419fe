import type { RegionMask } from './mask.js';

/** Per-detection extra columns, e.g. `className: string[]`, `detectionId: string[]`. */
export type DetectionData = Record<string, readonly unknown[]>;

export interface DetectionsInit {
  /** n×4 boxes as x1, y1, x2, y2 in image pixels. */
  xyxy: Float32Array;
  /** n scores in 0..1. */
  confidence: Float32Array;
  /** n class indices. */
  classId: Int32Array;
  /** Optional n masks. */
  masks?: readonly RegionMask[];
  /** Optional n×K×3 keypoints (x, y, confidence) with K = `keypointCount`. */
  keypoints?: Float32Array;
  keypointCount?: number;
  /** Optional n tracker ids (-1 = untracked). */
  trackerId?: Int32Array;
  data?: DetectionData;
  metadata?: Record<string, unknown>;
}

/** A frozen copy of the data columns (each column frozen too); frozen input is kept as is. */
function freezeColumns(data: DetectionData | undefined): DetectionData {
  if (!data) return EMPTY_DATA;
  if (Object.isFrozen(data)) return data;
  const out: Record<string, readonly unknown[]> = {};
  for (const [key, col] of Object.entries(data))
    out[key] = Object.isFrozen(col) ? col : Object.freeze([...col]);
  return Object.freeze(out);
}
const EMPTY_DATA: DetectionData = Object.freeze({});

/**
 * A set of detections as parallel typed arrays (struct of arrays), the one
 * result type every head, annotator and tracker understands. Immutable:
 * `filter`, `select` and `merge` return new instances that index every field together.
 *
 * @example
 * const d = new Detections({ xyxy: new Float32Array([0, 0, 10, 10]), confidence: new Float32Array([0.9]), classId: new Int32Array([2]) });
 * d.length                 // 1
 * d.filter((i) => d.confidence[i] > 0.5).length  // 1
 */
export class Detections {
  readonly xyxy: Float32Array;
  readonly confidence: Float32Array;
  readonly classId: Int32Array;
  readonly masks?: readonly RegionMask[];
  readonly keypoints?: Float32Array;
  readonly keypointCount: number;
  readonly trackerId?: Int32Array;
  readonly data: DetectionData;
  readonly metadata: Readonly<Record<string, unknown>>;

  constructor(init: DetectionsInit) {
    const n = init.confidence.length;
    if (init.xyxy.length !== n * 4)
      throw new RangeError(`xyxy has ${init.xyxy.length} values, expected ${n * 4}`);
    if (init.classId.length !== n)
      throw new RangeError(`classId has ${init.classId.length} values, expected ${n}`);
    if (init.masks && init.masks.length !== n)
      throw new RangeError(`masks has ${init.masks.length} entries, expected ${n}`);
    if (init.trackerId && init.trackerId.length !== n) throw new RangeError('trackerId length mismatch');
    const k = init.keypointCount ?? 0;
    if (init.keypoints && init.keypoints.length !== n * k * 3)
      throw new RangeError('keypoints length mismatch');
    for (const [key, col] of Object.entries(init.data ?? {})) {
      if (col.length !== n) throw new RangeError(`data.${key} has ${col.length} entries, expected ${n}`);
    }
    this.xyxy = init.xyxy;
    this.confidence = init.confidence;
    this.classId = init.classId;
    // The containers are frozen, so nothing can change a column after construction (typed
    // arrays cannot be frozen: every step here makes new ones instead of writing into them).
    if (init.masks) this.masks = Object.isFrozen(init.masks) ? init.masks : Object.freeze([...init.masks]);
    if (init.keypoints) this.keypoints = init.keypoints;
    this.keypointCount = k;
    if (init.trackerId) this.trackerId = init.trackerId;
    this.data = freezeColumns(init.data);
    this.metadata = Object.isFrozen(init.metadata)
      ? (init.metadata ?? {})
      : Object.freeze({ ...init.metadata });
  }

  static empty(): Detections {
    return new Detections({
      xyxy: new Float32Array(0),
      confidence: new Float32Array(0),
      classId: new Int32Array(0),
    });
  }

  get length(): number {
    return this.confidence.length;
  }

  /** Keep detections whose index passes the predicate. */
  filter(keep: (i: number) => boolean): Detections {
    const idx: number[] = [];
    for (let i = 0; i < this.length; i++) if (keep(i)) idx.push(i);
    return this.select(idx);
  }

  /** New detections made of the given indices, in that order. */
  select(indices: ArrayLike<number>): Detections {
    const m = indices.length;
    const xyxy = new Float32Array(m * 4);
    const confidence = new Float32Array(m);
    const classId = new Int32Array(m);
    const k = this.keypointCount;
    const keypoints = this.keypoints ? new Float32Array(m * k * 3) : undefined;
    const trackerId = this.trackerId ? new Int32Array(m) : undefined;
    for (let j = 0; j < m; j++) {
      const i = indices[j];
      xyxy.set(this.xyxy.subarray(i * 4, i * 4 + 4), j * 4);
      confidence[j] = this.confidence[i];
      classId[j] = this.classId[i];
      if (keypoints && this.keypoints)
        keypoints.set(this.keypoints.subarray(i * k * 3, (i + 1) * k * 3), j * k * 3);
      if (trackerId && this.trackerId) trackerId[j] = this.trackerId[i];
    }
    const data: Record<string, unknown[]> = {};
    for (const [key, col] of Object.entries(this.data)) data[key] = Array.from(indices, (i) => col[i]);
    return new Detections({
      xyxy,
      confidence,
      classId,
      masks: this.masks ? Array.from(indices, (i) => this.masks![i]) : undefined,
      keypoints,
      keypointCount: k,
      trackerId,
      data,
      metadata: this.metadata,
    });
  }

  /** A copy with some fields replaced (e.g. `trackerId` from a tracker). */
  with(fields: Partial<DetectionsInit>): Detections {
    return new Detections({
      xyxy: this.xyxy,
      confidence: this.confidence,
      classId: this.classId,
      masks: this.masks,
      keypoints: this.keypoints,
      keypointCount: this.keypointCount,
      trackerId: this.trackerId,
      data: this.data,
      metadata: this.metadata,
      ...fields,
    });
  }

  /**
   * Concatenate. Optional fields (masks, keypoints, trackerId, data columns)
   * are kept only when every non-empty input has them.
   */
  static merge(list: readonly Detections[]): Detections {
    const parts = list.filter((d) => d.length > 0);
    if (parts.length === 0) return list[0] ?? Detections.empty();
    if (parts.length === 1) return parts[0];
    const n = parts.reduce((s, d) => s + d.length, 0);
    const xyxy = new Float32Array(n * 4);
    const confidence = new Float32Array(n);
    const classId = new Int32Array(n);
    const all = <T>(f: (d: Detections) => T | undefined) => parts.every((d) => f(d) !== undefined);
    const k = parts[0].keypointCount;
    const hasKp = all((d) => d.keypoints) && parts.every((d) => d.keypointCount === k);
    const keypoints = hasKp ? new Float32Array(n * k * 3) : undefined;
    const trackerId = all((d) => d.trackerId) ? new Int32Array(n) : undefined;
    const masks = all((d) => d.masks) ? ([] as RegionMask[]) : undefined;
    const keys = Object.keys(parts[0].data).filter((key) => parts.every((d) => key in d.data));
    const data: Record<string, unknown[]> = Object.fromEntries(keys.map((key) => [key, [] as unknown[]]));
    let o = 0;
    for (const d of parts) {
      xyxy.set(d.xyxy, o * 4);
      confidence.set(d.confidence, o);
      classId.set(d.classId, o);
      if (keypoints) keypoints.set(d.keypoints!, o * k * 3);
      if (trackerId) trackerId.set(d.trackerId!, o);
      if (masks) masks.push(...d.masks!);
      for (const key of keys) data[key].push(...d.data[key]);
      o += d.length;
    }
    return new Detections({
      xyxy,
      confidence,
      classId,
      masks,
      keypoints,
      keypointCount: hasKp ? k : 0,
      trackerId,
      data,
      metadata: parts[0].metadata,
    });
  }
}
