/** Milliseconds spent in each stage of one inference. */
export interface StageTimings {
  decode: number;
  preprocess: number;
  infer: number;
  postprocess: number;
}

export const zeroTimings = (): StageTimings => ({ decode: 0, preprocess: 0, infer: 0, postprocess: 0 });

export function totalMs(t: StageTimings): number {
  return t.decode + t.preprocess + t.infer + t.postprocess;
}
