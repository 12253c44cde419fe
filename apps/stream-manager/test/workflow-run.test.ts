import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, SHARED_SKIP_REASON, sharedMedia } from '../../../testing/shared.js';
import { parseInitPayload } from '../src/internal/payload.js';
import { PipelineHost } from '../src/internal/pipeline-host.js';
import { waitFor, yoloxDir } from './helpers.js';

if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);

const classIn = (operand: string) => ({
  type: 'DetectionsFilter',
  filter_operation: {
    type: 'StatementGroup',
    operator: 'and',
    statements: [
      {
        type: 'BinaryStatement',
        left_operand: {
          type: 'DynamicOperand',
          operations: [{ type: 'ExtractDetectionProperty', property_name: 'class_name' }],
        },
        comparator: { type: 'in (Sequence)' },
        right_operand: { type: 'DynamicOperand', operand_name: operand },
      },
    ],
  },
});

function workflow() {
  return {
    version: '1.0',
    inputs: [
      { type: 'WorkflowImage', name: 'image' },
      { type: 'WorkflowVideoMetadata', name: 'video_metadata' },
      { type: 'WorkflowParameter', name: 'model', default_value: 'overridden' },
      { type: 'WorkflowParameter', name: 'classes', default_value: ['person'] },
      { type: 'WorkflowParameter', name: 'nothing', default_value: ['giraffe'] },
    ],
    steps: [
      {
        type: 'roboflow_core/roboflow_object_detection_model@v2',
        name: 'det',
        images: '$inputs.image',
        model_id: '$inputs.model',
        confidence: 0.3,
      },
      {
        type: 'roboflow_core/byte_tracker@v3',
        name: 'track',
        image: '$inputs.image',
        detections: '$steps.det.predictions',
      },
      {
        type: 'roboflow_core/detections_filter@v1',
        name: 'people',
        predictions: '$steps.track.tracked_detections',
        operations: [classIn('classes')],
        operations_parameters: { classes: '$inputs.classes' },
      },
      {
        type: 'DetectionsFilter',
        name: 'none',
        predictions: '$steps.det.predictions',
        operations: [classIn('c')],
        operations_parameters: { c: '$inputs.nothing' },
      },
      {
        type: 'PropertyDefinition',
        name: 'count',
        data: '$steps.people.predictions',
        operations: [{ type: 'SequenceLength' }],
      },
      {
        type: 'roboflow_core/line_counter@v2',
        name: 'line',
        image: '$inputs.image',
        detections: '$steps.people.predictions',
        line_segment: [
          [0, 120],
          [426, 120],
        ],
      },
      {
        type: 'roboflow_core/time_in_zone@v2',
        name: 'zone',
        image: '$inputs.image',
        detections: '$steps.track.tracked_detections',
        zone: [
          [0, 0],
          [426, 0],
          [426, 240],
          [0, 240],
        ],
      },
    ],
    outputs: [
      { type: 'JsonField', name: 'people', selector: '$steps.people.predictions' },
      { type: 'JsonField', name: 'none', selector: '$steps.none.predictions' },
      { type: 'JsonField', name: 'count', selector: '$steps.count.output' },
      { type: 'JsonField', name: 'line', selector: '$steps.line.*' },
      { type: 'JsonField', name: 'zone', selector: '$steps.zone.timed_detections' },
      { type: 'JsonField', name: 'model_id', selector: '$steps.det.model_id' },
      { type: 'JsonField', name: 'meta', selector: '$inputs.video_metadata' },
    ],
  };
}

describe.skipIf(!HAS_SHARED)('workflows on a real video (yolox_nano)', () => {
  let root: string;
  let model: string;
  const hosts: PipelineHost[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'stream-workflow-'));
    model = await yoloxDir(root);
  });
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.terminate()));
    await rm(root, { recursive: true, force: true });
  });

  it('runs model, tracker, filter, property, line counter and time in zone, serialised as Roboflow does', async () => {
    const host = new PipelineHost({ sessionThread: false });
    hosts.push(host);
    const spec = parseInitPayload({
      video_configuration: {
        type: 'VideoConfiguration',
        video_reference: sharedMedia('example_video.mp4'),
        source_buffer_filling_strategy: 'WAIT',
        source_buffer_consumption_strategy: 'LAZY',
      },
      processing_configuration: {
        type: 'WorkflowConfiguration',
        workflow_specification: workflow(),
        workflows_parameters: { model, ignored: 1 },
      },
      sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: 500 },
    });
    await host.init(spec, null);
    await waitFor(() => host.status().resultsBuffered >= 30, 60_000, '30 results');
    const results = [];
    for (let i = 0; i < 30; i++) results.push(await host.consume(i === 0 ? ['meta'] : []));
    const first = results[0].outputs[0]!;
    expect(Object.keys(first)).toEqual(['people', 'none', 'count', 'line', 'zone', 'model_id']);
    expect(first.model_id).toBe(model);
    expect(first.none).toEqual({ image: { width: null, height: null }, predictions: [] });
    const withPeople = results
      .map((r) => r.outputs[0]!)
      .find((o) => (o.people as { predictions: unknown[] }).predictions.length > 0);
    expect(withPeople).toBeDefined();
    const people = withPeople!.people as { image: unknown; predictions: Record<string, unknown>[] };
    expect(people.image).toEqual({ width: 426, height: 240 });
    const p = people.predictions[0];
    expect(Object.keys(p)).toEqual([
      'width',
      'height',
      'x',
      'y',
      'confidence',
      'class_id',
      'tracker_id',
      'class',
      'detection_id',
      'parent_id',
    ]);
    expect(p).toMatchObject({
      class: 'person',
      class_id: 0,
      parent_id: 'image',
      tracker_id: expect.any(Number),
    });
    expect(withPeople!.count).toBe(people.predictions.length);
    expect(Object.keys(withPeople!.line as object)).toEqual([
      'count_in',
      'count_out',
      'detections_in',
      'detections_out',
    ]);
    const zone = withPeople!.zone as { predictions: Record<string, unknown>[] };
    expect(Object.keys(zone.predictions[0])).toContain('time_in_zone');
    // a tracker that stays in the (whole-frame) zone accumulates time: frame_number / fps
    const times = results.flatMap((r) =>
      (r.outputs[0]!.zone as { predictions: { time_in_zone: number }[] }).predictions.map(
        (x) => x.time_in_zone,
      ),
    );
    expect(Math.max(...times)).toBeGreaterThan(0.3);
    const meta = results[1].outputs[0]!.meta as Record<string, unknown>;
    expect(meta).toMatchObject({
      video_identifier: '0',
      frame_number: 2,
      fps: 30,
      comes_from_video_file: true,
    });
    expect(meta.frame_timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(results[0].frames_metadata[0]).toMatchObject({ frame_id: 1, source_id: 0 });
  });

  it('fails the init with a clear 400 when the image input is not image_input_name', async () => {
    const host = new PipelineHost({ sessionThread: false });
    hosts.push(host);
    const spec = parseInitPayload({
      video_configuration: { type: 'VideoConfiguration', video_reference: sharedMedia('example_video.mp4') },
      processing_configuration: {
        type: 'WorkflowConfiguration',
        workflow_specification: {
          version: '1.0',
          inputs: [{ type: 'WorkflowImage', name: 'frame' }],
          steps: [],
          outputs: [],
        },
      },
    });
    await expect(host.init(spec, null)).rejects.toMatchObject({
      code: 'STREAM_ERR_INVALID_WORKFLOW',
      message: /image_input_name \("image"\)/,
    });
  });
});
