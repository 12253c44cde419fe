import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  inferOptionsFromFlags,
  maskFormatProblem,
  wireParamsFromFlags,
  withInferParamOptions,
} from '../src/internal/commands/infer-params.js';

const parse = (args: string[]) => {
  const cmd = withInferParamOptions(new Command().exitOverride(), [
    'confidence',
    'iou',
    'classAgnostic',
    'maxDetections',
    'maxCandidates',
    'classFilter',
    'maskFormat',
    'autoOrient',
  ]);
  cmd.parse(args, { from: 'user' });
  return cmd.opts();
};

describe('inference-parameter flags (one helper, the SDK wire names, the core mapping)', () => {
  it('turns every flag into its wire parameter and then its option', () => {
    const o = parse([
      '-c',
      '0.5',
      '--iou',
      '0.4',
      '--class-agnostic',
      '--max-detections',
      '7',
      '--max-candidates',
      '70',
      '--class-filter',
      'dog, cat',
      '--mask-format',
      'rle',
      '--no-auto-orient',
    ]);
    expect(wireParamsFromFlags(o)).toEqual({
      confidence: 0.5,
      iou_threshold: 0.4,
      class_agnostic_nms: true,
      max_detections: 7,
      max_candidates: 70,
      class_filter: ['dog', 'cat'],
      response_mask_format: 'rle',
      disable_preproc_auto_orient: true,
    });
    expect(inferOptionsFromFlags(o)).toEqual({
      confidence: 0.5,
      iouThreshold: 0.4,
      classAgnosticNms: true,
      maxDetections: 7,
      maxCandidates: 70,
      classFilter: ['dog', 'cat'],
      maskFormat: 'rle',
      disablePreprocAutoOrient: true,
    });
  });

  it('sets nothing without flags (EXIF orientation stays on)', () => {
    expect(inferOptionsFromFlags(parse([]))).toEqual({});
  });

  it('refuses values outside the wire schema', () => {
    expect(() => parse(['--confidence', '1.5'])).toThrow(/--confidence must be <= 1/);
    expect(() => parse(['--max-detections', '0'])).toThrow(/--max-detections must be >= 1/);
    expect(maskFormatProblem('svg')).toBe('--mask-format must be polygon or rle, got "svg"');
    expect(maskFormatProblem('polygon')).toBeUndefined();
  });
});
