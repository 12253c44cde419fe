import type {
  ClassesBasedStrategy,
  CloseToThresholdStrategy,
  DetectionsNumberBasedStrategy,
  SamplingStrategy,
} from './config.js';
import {
  detectionsOf,
  isDetectionType,
  isMultiLabel,
  isStub,
  type PredictionType,
  type WireClass,
  type WirePrediction,
} from './prediction.js';

/** A source of uniform numbers in [0, 1) (Math.random, or a seeded one in tests). */
export type RandomSource = () => number;

const close = (confidence: number, threshold: number, epsilon: number) =>
  Math.abs(confidence - threshold) < epsilon;
const selected = (set: ReadonlySet<string> | undefined, cls: string) => set === undefined || set.has(cls);

/** The close-to-threshold condition (without the final draw), for every prediction type. */
function closeToThresholdMatches(
  p: WirePrediction,
  type: PredictionType,
  s: Pick<
    CloseToThresholdStrategy,
    'threshold' | 'epsilon' | 'selectedClassNames' | 'onlyTopClasses' | 'minimumObjectsCloseToThreshold'
  >,
): boolean {
  if (isStub(p)) return false;
  if (type === 'classification') {
    if (isMultiLabel(p)) {
      const preds = p.predictions as Record<string, { confidence: number }>;
      const classes = s.onlyTopClasses ? (p.predicted_classes ?? []) : Object.keys(preds);
      return classes.some(
        (c) =>
          selected(s.selectedClassNames, c) &&
          preds[c] !== undefined &&
          close(preds[c].confidence, s.threshold, s.epsilon),
      );
    }
    if (s.onlyTopClasses) {
      if (typeof p.top !== 'string' || typeof p.confidence !== 'number') return false;
      return selected(s.selectedClassNames, p.top) && close(p.confidence, s.threshold, s.epsilon);
    }
    const list = Array.isArray(p.predictions) ? (p.predictions as WireClass[]) : [];
    return list.some(
      (c) => selected(s.selectedClassNames, c.class) && close(c.confidence, s.threshold, s.epsilon),
    );
  }
  if (!isDetectionType(type)) return false;
  let n = 0;
  for (const d of detectionsOf(p)) {
    if (selected(s.selectedClassNames, d.class) && close(d.confidence, s.threshold, s.epsilon)) n++;
  }
  return n >= s.minimumObjectsCloseToThreshold;
}

function classesBasedMatches(p: WirePrediction, type: PredictionType, s: ClassesBasedStrategy): boolean {
  if (type !== 'classification') return false;
  // Roboflow: close_to_threshold with threshold 0.5 and epsilon 1.0 (every confidence is "close")
  return closeToThresholdMatches(p, type, {
    threshold: 0.5,
    epsilon: 1.0,
    selectedClassNames: s.selectedClassNames,
    onlyTopClasses: true,
    minimumObjectsCloseToThreshold: 1,
  });
}

function detectionsNumberMatches(
  p: WirePrediction,
  type: PredictionType,
  s: DetectionsNumberBasedStrategy,
): boolean {
  if (isStub(p) || !isDetectionType(type)) return false;
  let n = 0;
  for (const d of detectionsOf(p)) if (selected(s.selectedClassNames, d.class)) n++;
  return (s.moreThan === undefined || n > s.moreThan) && (s.lessThan === undefined || n < s.lessThan);
}

/**
 * Whether one strategy samples this prediction: its condition (Roboflow's
 * strict inequalities), then an independent `random() < p` draw. The draw is
 * only taken when the condition holds.
 *
 * @example
 * const s = { type: 'random', name: 'r', trafficPercentage: 0.5, tags: [], limits: [] } as const;
 * strategyMatches(s, { is_stub: true }, 'object-detection', () => 0.4); // true
 */
export function strategyMatches(
  s: SamplingStrategy,
  prediction: WirePrediction,
  type: PredictionType,
  random: RandomSource,
): boolean {
  switch (s.type) {
    case 'random':
      return random() < s.trafficPercentage;
    case 'close_to_threshold':
      return closeToThresholdMatches(prediction, type, s) && random() < s.probability;
    case 'classes_based':
      return classesBasedMatches(prediction, type, s) && random() < s.probability;
    case 'detections_number_based':
      return detectionsNumberMatches(prediction, type, s) && random() < s.probability;
  }
}

/** Names of the strategies that sample this prediction, in config order (all are evaluated). */
export function matchingStrategies(
  strategies: readonly SamplingStrategy[],
  prediction: WirePrediction,
  type: PredictionType,
  random: RandomSource,
): SamplingStrategy[] {
  return strategies.filter((s) => strategyMatches(s, prediction, type, random));
}
