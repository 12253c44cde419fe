import { describe, expect, it } from 'vitest';
import { describeErrorDocs } from '../../../../testing/error-docs.js';
import { parseActiveLearningConfig } from './config.js';
import { AL_ERROR_CODES, isActiveLearningError } from './errors.js';

const base = () => ({
  enabled: true,
  persist_predictions: true,
  sampling_strategies: [{ name: 'r', type: 'random', traffic_percentage: 0.5 }],
  batching_strategy: { batches_name_prefix: 'al', recreation_interval: 'daily' },
});

describe('parseActiveLearningConfig', () => {
  it('accepts the minimal disabled config', () => {
    expect(parseActiveLearningConfig({ enabled: false })).toEqual({ enabled: false });
  });

  it('fills Roboflow defaults', () => {
    const c = parseActiveLearningConfig(base());
    if (!c.enabled) throw new Error('expected enabled');
    expect(c.jpegCompressionLevel).toBe(95);
    expect(c.tags).toEqual([]);
    expect(c.maxImageSize).toBeUndefined();
    expect(c.samplingStrategies[0]).toMatchObject({
      type: 'random',
      trafficPercentage: 0.5,
      tags: [],
      limits: [],
    });
  });

  it('fills close_to_threshold defaults', () => {
    const c = parseActiveLearningConfig({
      ...base(),
      sampling_strategies: [
        { name: 'c', type: 'close_to_threshold', threshold: 0.5, epsilon: 0.1, probability: 1 },
      ],
    });
    expect(c.enabled && c.samplingStrategies[0]).toMatchObject({
      onlyTopClasses: true,
      minimumObjectsCloseToThreshold: 1,
      selectedClassNames: undefined,
    });
  });

  it('skips unknown strategy types (Roboflow warns and goes on)', () => {
    const c = parseActiveLearningConfig({
      ...base(),
      sampling_strategies: [...base().sampling_strategies, { name: 'x', type: 'magic' }],
    });
    expect(c.enabled && c.skippedStrategies).toEqual(['x']);
    expect(c.enabled && c.samplingStrategies.length).toBe(1);
  });

  const cases: [string, (c: Record<string, unknown>) => void, string][] = [
    ['missing enabled', (c) => delete c.enabled, 'enabled'],
    ['enabled not boolean', (c) => (c.enabled = 'yes'), 'enabled'],
    ['missing persist_predictions', (c) => delete c.persist_predictions, 'persist_predictions'],
    ['missing sampling_strategies', (c) => delete c.sampling_strategies, 'sampling_strategies'],
    ['empty sampling_strategies', (c) => (c.sampling_strategies = []), 'sampling_strategies'],
    ['missing batching_strategy', (c) => delete c.batching_strategy, 'batching_strategy'],
    [
      'bad recreation_interval',
      (c) => (c.batching_strategy = { batches_name_prefix: 'a', recreation_interval: 'hourly' }),
      'batching_strategy.recreation_interval',
    ],
    [
      'missing batches_name_prefix',
      (c) => (c.batching_strategy = { recreation_interval: 'never' }),
      'batching_strategy.batches_name_prefix',
    ],
    [
      'duplicate strategy names',
      (c) =>
        (c.sampling_strategies = [
          { name: 'a', type: 'random', traffic_percentage: 1 },
          { name: 'a', type: 'random', traffic_percentage: 1 },
        ]),
      'sampling_strategies[1].name',
    ],
    [
      'missing traffic_percentage',
      (c) => (c.sampling_strategies = [{ name: 'a', type: 'random' }]),
      'sampling_strategies[0].traffic_percentage',
    ],
    [
      'probability above 1',
      (c) =>
        (c.sampling_strategies = [
          { name: 'a', type: 'classes_based', selected_class_names: ['x'], probability: 2 },
        ]),
      'sampling_strategies[0].probability',
    ],
    [
      'more_than >= less_than',
      (c) =>
        (c.sampling_strategies = [
          { name: 'a', type: 'detections_number_based', probability: 1, more_than: 3, less_than: 3 },
        ]),
      'sampling_strategies[0].more_than',
    ],
    [
      'bad limit window',
      (c) =>
        (c.sampling_strategies = [
          { name: 'a', type: 'random', traffic_percentage: 1, limits: [{ type: 'weekly', value: 1 }] },
        ]),
      'sampling_strategies[0].limits[0].type',
    ],
    ['bad tag', (c) => (c.tags = ['has space']), 'tags[0]'],
    ['tag too long', (c) => (c.tags = ['x'.repeat(65)]), 'tags[0]'],
    ['jpeg level 0', (c) => (c.jpeg_compression_level = 0), 'jpeg_compression_level'],
    ['jpeg level 101', (c) => (c.jpeg_compression_level = 101), 'jpeg_compression_level'],
    ['max_image_size not a pair', (c) => (c.max_image_size = [100]), 'max_image_size'],
  ];
  it.each(cases)('%s -> AL_ERR_CONFIG_INVALID at %s', (_name, mutate, path) => {
    const c = base() as Record<string, unknown>;
    mutate(c);
    try {
      parseActiveLearningConfig(c);
      expect.unreachable();
    } catch (e) {
      expect(isActiveLearningError(e) && e.code).toBe('AL_ERR_CONFIG_INVALID');
      expect((e as { path: string }).path).toBe(path);
      expect((e as Error).message).toContain(path);
    }
  });
});

describeErrorDocs(AL_ERROR_CODES);
