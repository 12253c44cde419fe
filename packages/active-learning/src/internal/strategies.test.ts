import { describe, expect, it } from 'vitest';
import { parseActiveLearningConfig, type SamplingStrategy } from './config.js';
import type { PredictionType, WirePrediction } from './prediction.js';
import { matchingStrategies, strategyMatches } from './strategies.js';

function strategy(raw: Record<string, unknown>): SamplingStrategy {
  const c = parseActiveLearningConfig({
    enabled: true,
    persist_predictions: true,
    sampling_strategies: [{ name: 's', ...raw }],
    batching_strategy: { batches_name_prefix: 'p', recreation_interval: 'never' },
  });
  if (!c.enabled) throw new Error('disabled');
  return c.samplingStrategies[0];
}

const det = (...items: [string, number][]): WirePrediction => ({
  image: { width: 100, height: 100 },
  predictions: items.map(([cls, confidence]) => ({
    x: 10,
    y: 10,
    width: 4,
    height: 4,
    class: cls,
    confidence,
  })),
});
const multiClass = (top: string, confidence: number, rest: [string, number][] = []): WirePrediction => ({
  top,
  confidence,
  predictions: [{ class: top, confidence }, ...rest.map(([c, v]) => ({ class: c, confidence: v }))],
});
const multiLabel = (preds: Record<string, number>, predicted: string[]): WirePrediction => ({
  predictions: Object.fromEntries(Object.entries(preds).map(([k, v]) => [k, { confidence: v }])),
  predicted_classes: predicted,
});
const stub: WirePrediction = { is_stub: true, model_id: 'ds/0', task_type: 'object-detection' };

// Each row: strategy params, prediction, task type, draw (the random number), expected
type Row = [string, Record<string, unknown>, WirePrediction, PredictionType, number, boolean];
const OD: PredictionType = 'object-detection';
const CLS: PredictionType = 'classification';
const ctt = { type: 'close_to_threshold', threshold: 0.5, epsilon: 0.1, probability: 1 };

const rows: Row[] = [
  // random: a plain draw, stubs included
  ['random draw below', { type: 'random', traffic_percentage: 0.3 }, det(), OD, 0.29, true],
  ['random draw equal (strict <)', { type: 'random', traffic_percentage: 0.3 }, det(), OD, 0.3, false],
  ['random on a stub', { type: 'random', traffic_percentage: 1 }, stub, OD, 0.5, true],
  ['random 0 never', { type: 'random', traffic_percentage: 0 }, det(), OD, 0, false],
  // close_to_threshold, detection
  ['ctt inside epsilon', ctt, det(['a', 0.45]), OD, 0, true],
  [
    'ctt exactly epsilon away (strict <)',
    { ...ctt, threshold: 0.5, epsilon: 0.25 },
    det(['a', 0.75]),
    OD,
    0,
    false,
  ],
  ['ctt just inside epsilon', { ...ctt, epsilon: 0.25 }, det(['a', 0.7499]), OD, 0, true],
  ['ctt outside epsilon', ctt, det(['a', 0.9]), OD, 0, false],
  ['ctt unselected class', { ...ctt, selected_class_names: ['b'] }, det(['a', 0.5]), OD, 0, false],
  ['ctt selected class', { ...ctt, selected_class_names: ['b'] }, det(['a', 0.9], ['b', 0.5]), OD, 0, true],
  [
    'ctt minimum 2, one close',
    { ...ctt, minimum_objects_close_to_threshold: 2 },
    det(['a', 0.5], ['a', 0.9]),
    OD,
    0,
    false,
  ],
  [
    'ctt minimum 2, two close',
    { ...ctt, minimum_objects_close_to_threshold: 2 },
    det(['a', 0.5], ['a', 0.55]),
    OD,
    0,
    true,
  ],
  ['ctt no detections', ctt, det(), OD, 0, false],
  ['ctt segmentation', ctt, det(['a', 0.5]), 'instance-segmentation', 0, true],
  ['ctt keypoints', ctt, det(['a', 0.5]), 'keypoint-detection', 0, true],
  ['ctt stub never', ctt, stub, OD, 0, false],
  ['ctt probability draw fails', { ...ctt, probability: 0.5 }, det(['a', 0.5]), OD, 0.5, false],
  ['ctt probability draw passes', { ...ctt, probability: 0.5 }, det(['a', 0.5]), OD, 0.49, true],
  // close_to_threshold, multi-class classification
  ['ctt cls top close', ctt, multiClass('cat', 0.52), CLS, 0, true],
  ['ctt cls top far, only_top', ctt, multiClass('cat', 0.9, [['dog', 0.5]]), CLS, 0, false],
  [
    'ctt cls top far, all classes',
    { ...ctt, only_top_classes: false },
    multiClass('cat', 0.9, [['dog', 0.5]]),
    CLS,
    0,
    true,
  ],
  [
    'ctt cls top unselected',
    { ...ctt, selected_class_names: ['dog'] },
    multiClass('cat', 0.5),
    CLS,
    0,
    false,
  ],
  // close_to_threshold, multi-label
  ['ctt ml predicted close', ctt, multiLabel({ a: 0.55, b: 0.1 }, ['a']), CLS, 0, true],
  ['ctt ml close but not predicted, only_top', ctt, multiLabel({ a: 0.95, b: 0.5 }, ['a']), CLS, 0, false],
  [
    'ctt ml close not predicted, all',
    { ...ctt, only_top_classes: false },
    multiLabel({ a: 0.95, b: 0.5 }, ['a']),
    CLS,
    0,
    true,
  ],
  [
    'ctt ml unselected',
    { ...ctt, selected_class_names: ['b'] },
    multiLabel({ a: 0.5 }, ['a']),
    CLS,
    0,
    false,
  ],
  // classes_based: classification only
  [
    'cb top selected',
    { type: 'classes_based', selected_class_names: ['cat'], probability: 1 },
    multiClass('cat', 0.99),
    CLS,
    0,
    true,
  ],
  [
    'cb top unselected',
    { type: 'classes_based', selected_class_names: ['dog'], probability: 1 },
    multiClass('cat', 0.99, [['dog', 0.01]]),
    CLS,
    0,
    false,
  ],
  [
    'cb multi-label predicted',
    { type: 'classes_based', selected_class_names: ['b'], probability: 1 },
    multiLabel({ a: 0.9, b: 0.8 }, ['a', 'b']),
    CLS,
    0,
    true,
  ],
  [
    'cb multi-label not predicted',
    { type: 'classes_based', selected_class_names: ['b'], probability: 1 },
    multiLabel({ a: 0.9, b: 0.1 }, ['a']),
    CLS,
    0,
    false,
  ],
  [
    'cb on detection never',
    { type: 'classes_based', selected_class_names: ['a'], probability: 1 },
    det(['a', 0.9]),
    OD,
    0,
    false,
  ],
  [
    'cb stub never',
    { type: 'classes_based', selected_class_names: ['a'], probability: 1 },
    stub,
    CLS,
    0,
    false,
  ],
  [
    'cb draw equal fails',
    { type: 'classes_based', selected_class_names: ['cat'], probability: 0.2 },
    multiClass('cat', 0.9),
    CLS,
    0.2,
    false,
  ],
  // detections_number_based: strict both ways
  [
    'dn more_than 1, N=2',
    { type: 'detections_number_based', probability: 1, more_than: 1 },
    det(['a', 1], ['a', 1]),
    OD,
    0,
    true,
  ],
  [
    'dn more_than 2, N=2 (strict >)',
    { type: 'detections_number_based', probability: 1, more_than: 2 },
    det(['a', 1], ['a', 1]),
    OD,
    0,
    false,
  ],
  [
    'dn less_than 2, N=2 (strict <)',
    { type: 'detections_number_based', probability: 1, less_than: 2 },
    det(['a', 1], ['a', 1]),
    OD,
    0,
    false,
  ],
  [
    'dn less_than 3, N=2',
    { type: 'detections_number_based', probability: 1, less_than: 3 },
    det(['a', 1], ['a', 1]),
    OD,
    0,
    true,
  ],
  [
    'dn between, N=0',
    { type: 'detections_number_based', probability: 1, more_than: 0, less_than: 3 },
    det(),
    OD,
    0,
    false,
  ],
  ['dn no bounds, N=0', { type: 'detections_number_based', probability: 1 }, det(), OD, 0, true],
  [
    'dn selected classes only',
    { type: 'detections_number_based', probability: 1, more_than: 1, selected_class_names: ['b'] },
    det(['a', 1], ['b', 1]),
    OD,
    0,
    false,
  ],
  ['dn stub never', { type: 'detections_number_based', probability: 1 }, stub, OD, 0, false],
  [
    'dn classification never',
    { type: 'detections_number_based', probability: 1 },
    multiClass('a', 1),
    CLS,
    0,
    false,
  ],
  [
    'dn segmentation',
    { type: 'detections_number_based', probability: 1, more_than: 0 },
    det(['a', 1]),
    'instance-segmentation',
    0,
    true,
  ],
];

describe('strategyMatches', () => {
  it.each(rows)('%s', (_name, params, prediction, type, draw, expected) => {
    expect(strategyMatches(strategy(params), prediction, type, () => draw)).toBe(expected);
  });

  it('does not draw when the condition fails (the draw is independent and last)', () => {
    let draws = 0;
    strategyMatches(strategy(ctt), det(['a', 0.99]), OD, () => {
      draws++;
      return 0;
    });
    expect(draws).toBe(0);
  });

  it('evaluates every strategy, in config order', () => {
    const a = { ...strategy({ type: 'random', traffic_percentage: 1 }), name: 'a' };
    const b = { ...strategy({ type: 'random', traffic_percentage: 0 }), name: 'b' };
    const c = { ...strategy(ctt), name: 'c' };
    expect(matchingStrategies([c, b, a], det(['x', 0.5]), OD, () => 0.5).map((s) => s.name)).toEqual([
      'c',
      'a',
    ]);
  });
});
