import { describe, expect, it } from 'vitest';
import { inferOptionsFromWire } from './wire-options.js';

describe('inferOptionsFromWire', () => {
  it('maps every task parameter of the wire to its option', () => {
    expect(
      inferOptionsFromWire({
        id: 'req-1',
        confidence: 0.5,
        iou_threshold: 0.4,
        class_agnostic_nms: true,
        class_filter: ['dog'],
        max_detections: 10,
        max_candidates: 100,
        keypoint_confidence: 0.2,
        mask_decode_mode: 'fast',
        tradeoff_factor: 0.3,
        response_mask_format: 'rle',
        disable_preproc_auto_orient: true,
        disable_preproc_contrast: true,
        disable_preproc_grayscale: true,
        disable_preproc_static_crop: true,
        generate_bounding_boxes: true,
        visualize_predictions: true,
      }),
    ).toEqual({
      inferenceId: 'req-1',
      confidence: 0.5,
      iouThreshold: 0.4,
      classAgnosticNms: true,
      classFilter: ['dog'],
      maxDetections: 10,
      maxCandidates: 100,
      keypointConfidence: 0.2,
      maskDecodeMode: 'fast',
      tradeoffFactor: 0.3,
      maskFormat: 'rle',
      disablePreprocAutoOrient: true,
      disablePreprocContrast: true,
      disablePreprocGrayscale: true,
      disablePreprocStaticCrop: true,
      generateBoundingBoxes: true,
    });
  });

  it("leaves the model's defaults alone for 'best', empty ids, false switches and a null filter", () => {
    expect(
      inferOptionsFromWire({
        confidence: 'best',
        id: '',
        class_filter: null,
        disable_preproc_contrast: false,
      }),
    ).toEqual({});
  });
});
