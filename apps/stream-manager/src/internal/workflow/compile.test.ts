import { describe, expect, it } from 'vitest';
import { StreamManagerError } from '../errors.js';
import { parseInitPayload } from '../payload.js';
import { compileWorkflow } from './compile.js';

const detect = (extra: Record<string, unknown> = {}) => ({
  type: 'roboflow_core/roboflow_object_detection_model@v2',
  name: 'det',
  images: '$inputs.image',
  model_id: 'yolov8n-640',
  ...extra,
});

const spec = (
  steps: unknown[],
  outputs: unknown[] = [],
  inputs: unknown[] = [{ type: 'WorkflowImage', name: 'image' }],
) => ({
  version: '1.0',
  inputs,
  steps,
  outputs,
});

function failure(fn: () => unknown): StreamManagerError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StreamManagerError);
    return e as StreamManagerError;
  }
  throw new Error('expected a failure');
}

describe('compileWorkflow', () => {
  it('orders steps by their selectors and accepts aliases and every supported version', () => {
    const w = compileWorkflow(
      spec(
        [
          {
            type: 'roboflow_core/line_counter@v2',
            name: 'line',
            image: '$inputs.image',
            detections: '$steps.track.tracked_detections',
            line_segment: [
              [0, 100],
              [400, 100],
            ],
          },
          {
            type: 'roboflow_core/byte_tracker@v3',
            name: 'track',
            image: '$inputs.image',
            detections: '$steps.det.predictions',
          },
          { ...detect(), type: 'ObjectDetectionModel' },
          {
            type: 'roboflow_core/time_in_zone@v3',
            name: 'zone',
            image: '$inputs.image',
            detections: '$steps.track.tracked_detections',
            zone: [
              [0, 0],
              [100, 0],
              [100, 100],
            ],
          },
        ],
        [
          { type: 'JsonField', name: 'count', selector: '$steps.line.count_in' },
          { type: 'JsonField', name: 'all', selector: '$steps.track.*' },
        ],
      ),
    );
    expect(w.steps.map((s) => s.name)).toEqual(['det', 'track', 'line', 'zone']);
    expect(w.steps[0].version).toBe(1);
    expect(w.outputs[1].wildcard).toBe(true);
  });

  it.each([
    [
      'unknown block',
      spec([{ type: 'roboflow_core/sam3@v1', name: 's' }]),
      /Unknown block type "roboflow_core\/sam3@v1" in step "s"/,
    ],
    [
      'unknown version',
      spec([{ ...detect(), type: 'roboflow_core/roboflow_object_detection_model@v9' }]),
      /Unknown block type/,
    ],
    ['bad selector', spec([detect({ images: '$input.image' })]), /"\$input.image" is not a valid selector/],
    ['undeclared input', spec([detect({ images: '$inputs.frame' })]), /undeclared input "\$inputs.frame"/],
    [
      'unknown step',
      spec([detect()], [{ type: 'JsonField', name: 'x', selector: '$steps.nope.predictions' }]),
      /unknown step "nope"/,
    ],
    [
      'unknown step output',
      spec([detect()], [{ type: 'JsonField', name: 'x', selector: '$steps.det.tracked_detections' }]),
      /outputs only predictions, inference_id, model_id/,
    ],
    ['missing version', { inputs: [], steps: [], outputs: [] }, /`version` is required/],
    ['newer engine', { ...spec([]), version: '2.0' }, /cannot run workflows of version 2.0/],
    ['duplicated names', spec([detect(), detect()]), /Duplicated step name "det"/],
    ['wrong field type', spec([detect({ confidence: 'high' })]), /`confidence` must be a number in \[0, 1\]/],
    ['missing model_id', spec([detect({ model_id: undefined })]), /needs field `model_id`/],
    [
      'model id from a step',
      spec([detect(), detect({ name: 'd2', model_id: '$steps.det.model_id' })]),
      /`model_id` must be a literal or an \$inputs selector/,
    ],
    [
      'unknown comparator',
      spec([
        detect(),
        {
          type: 'roboflow_core/detections_filter@v1',
          name: 'f',
          predictions: '$steps.det.predictions',
          operations: [
            {
              type: 'DetectionsFilter',
              filter_operation: {
                type: 'BinaryStatement',
                left_operand: {
                  type: 'DynamicOperand',
                  operations: [{ type: 'ExtractDetectionProperty', property_name: 'confidence' }],
                },
                comparator: { type: 'roughly' },
                right_operand: { type: 'StaticOperand', value: 0.5 },
              },
            },
          ],
        },
      ]),
      /unknown "roughly"/,
    ],
    [
      'cycle',
      spec([
        {
          type: 'roboflow_core/byte_tracker@v2',
          name: 'a',
          image: '$inputs.image',
          detections: '$steps.b.tracked_detections',
        },
        {
          type: 'roboflow_core/byte_tracker@v2',
          name: 'b',
          image: '$inputs.image',
          detections: '$steps.a.tracked_detections',
        },
      ]),
      /cycle/,
    ],
    [
      'input-only field given a step',
      spec([
        detect(),
        {
          type: 'roboflow_core/byte_tracker@v2',
          name: 't',
          image: '$steps.det.predictions',
          detections: '$steps.det.predictions',
        },
      ]),
      /`image` must be a literal or an \$inputs selector/,
    ],
  ])('%s is a 400 naming the problem', (_name, s, message) => {
    const e = failure(() => compileWorkflow(s));
    expect(e.code).toBe('STREAM_ERR_INVALID_WORKFLOW');
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^Provided workflow configuration is not valid\./);
    expect(e.message).toMatch(message);
  });
});

describe('parseInitPayload', () => {
  const base = {
    video_configuration: { type: 'VideoConfiguration', video_reference: 'rtsp://cam/1' },
    processing_configuration: { type: 'WorkflowConfiguration', workflow_specification: spec([]) },
  };

  it("applies Roboflow's defaults (DROP_OLDEST/EAGER, buffer 64, queue 512)", () => {
    const s = parseInitPayload(base);
    expect(s.video).toMatchObject({
      videoReference: ['rtsp://cam/1'],
      multi: false,
      fillingStrategy: 'DROP_OLDEST',
      consumptionStrategy: 'EAGER',
      maxFps: null,
    });
    expect(s).toMatchObject({
      resultsBufferSize: 64,
      predictionsQueueSize: 512,
      decodingBufferSize: 64,
      consumptionTimeout: null,
    });
  });

  it('reads every VideoConfiguration field, lists and camera indices, and lets the header key win', () => {
    const s = parseInitPayload(
      {
        ...base,
        video_configuration: {
          type: 'VideoConfiguration',
          video_reference: ['a.mp4', 0],
          max_fps: 5,
          source_buffer_filling_strategy: 'wait',
          source_buffer_consumption_strategy: 'LAZY',
          video_source_properties: { frame_width: 640, frame_height: 480, fps: 15 },
          batch_collection_timeout: 0.5,
        },
        sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: 8 },
        consumption_timeout: 30,
        api_key: 'body-key',
        predictions_queue_size: 4,
        decoding_buffer_size: 16,
      },
      'header-key',
    );
    expect(s.video).toEqual({
      videoReference: ['a.mp4', 0],
      multi: true,
      maxFps: 5,
      fillingStrategy: 'WAIT',
      consumptionStrategy: 'LAZY',
      videoSourceProperties: { frame_width: 640, frame_height: 480, fps: 15 },
      batchCollectionTimeout: 0.5,
    });
    expect(s).toMatchObject({
      resultsBufferSize: 8,
      consumptionTimeout: 30,
      apiKey: 'header-key',
      predictionsQueueSize: 4,
      decodingBufferSize: 16,
    });
    expect(parseInitPayload({ ...base, api_key: 'body-key' }).apiKey).toBe('body-key');
  });

  it.each([
    [
      'a number as video_reference list item',
      { video_configuration: { type: 'VideoConfiguration', video_reference: [{}] } },
      /video_configuration.video_reference must be/,
    ],
    [
      'a bad strategy',
      {
        video_configuration: {
          type: 'VideoConfiguration',
          video_reference: 'x',
          source_buffer_filling_strategy: 'KEEP',
        },
      },
      /source_buffer_filling_strategy must be one of/,
    ],
    [
      'a string max_fps',
      { video_configuration: { type: 'VideoConfiguration', video_reference: 'x', max_fps: 'fast' } },
      /max_fps must be a number > 0/,
    ],
    [
      'an unknown processing type',
      { processing_configuration: { type: 'Magic' } },
      /processing_configuration.type must be/,
    ],
    [
      'a workflow without spec or name',
      { processing_configuration: { type: 'WorkflowConfiguration' } },
      /needs workflow_specification, or workspace_name and workflow_id/,
    ],
    [
      'a zero buffer',
      { sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: 0 } },
      /results_buffer_size must be an integer >= 1/,
    ],
  ])('rejects %s with a 400 naming the field', (_n, patch, message) => {
    const e = failure(() => parseInitPayload({ ...base, ...patch }));
    expect(e.code).toBe('STREAM_ERR_INVALID_PAYLOAD');
    expect(e.message).toMatch(message);
  });

  it('reads our ModelConfiguration shorthand', () => {
    const s = parseInitPayload({
      ...base,
      processing_configuration: {
        type: 'ModelConfiguration',
        model_id: 'coco/3',
        confidence: 0.5,
        tracking: true,
        class_filter: ['person'],
      },
    });
    expect(s.processing).toMatchObject({
      type: 'ModelConfiguration',
      modelId: 'coco/3',
      confidence: 0.5,
      track: true,
      classFilter: ['person'],
    });
  });
});
