import { StreamManagerError } from './errors.js';
import { Fields, isObject, type Json, type JsonObject } from './validate.js';

export const FILLING = [
  'WAIT',
  'DROP_OLDEST',
  'ADAPTIVE_DROP_OLDEST',
  'DROP_LATEST',
  'ADAPTIVE_DROP_LATEST',
] as const;
export const CONSUMPTION = ['LAZY', 'EAGER'] as const;

/** Roboflow's `VideoConfiguration`, checked and with defaults applied (the stream API's: DROP_OLDEST/EAGER). */
export interface VideoSpec {
  videoReference: (string | number)[];
  /** True when the payload gave a list (outputs are then per source either way). */
  multi: boolean;
  maxFps: number | null;
  fillingStrategy: (typeof FILLING)[number];
  consumptionStrategy: (typeof CONSUMPTION)[number];
  /** OpenCV-style capture properties (numbers); our extension `rtsp_transport: "tcp" | "udp"`. */
  videoSourceProperties: Record<string, number | string> | null;
  /** Seconds. */
  batchCollectionTimeout: number | null;
}

/** Roboflow's `WorkflowConfiguration`. */
export interface WorkflowProcessing {
  type: 'WorkflowConfiguration';
  workflowSpecification: JsonObject | null;
  workspaceName: string | null;
  workflowId: string | null;
  workflowVersionId: string | null;
  imageInputName: string;
  videoMetadataInputName: string;
  workflowsParameters: JsonObject | null;
  disableSinks: boolean;
}

/** Our extension: one model, optional tracking, Roboflow model-response JSON per frame. */
export interface ModelProcessing {
  type: 'ModelConfiguration';
  modelId: string;
  confidence: number | null;
  iouThreshold: number | null;
  classAgnosticNms: boolean;
  maxDetections: number | null;
  maxCandidates: number | null;
  classFilter: string[] | null;
  track: boolean;
}

/** Everything a pipeline process needs to (re)start a pipeline. */
export interface PipelineSpec {
  video: VideoSpec;
  processing: WorkflowProcessing | ModelProcessing;
  resultsBufferSize: number;
  /** Seconds. */
  consumptionTimeout: number | null;
  apiKey: string | null;
  predictionsQueueSize: number;
  decodingBufferSize: number;
}

function references(f: Fields): { refs: (string | number)[]; multi: boolean } {
  const v = f.raw('video_reference');
  const ok = (x: Json) =>
    (typeof x === 'string' && x.length > 0) || (typeof x === 'number' && Number.isInteger(x) && x >= 0);
  if (v !== undefined && ok(v)) return { refs: [v as string | number], multi: false };
  if (Array.isArray(v) && v.length > 0 && v.every(ok)) return { refs: v as (string | number)[], multi: true };
  return f.fail('video_reference', 'a non-empty string, a camera index, or a non-empty list of them');
}

function sourceProperties(f: Fields): Record<string, number | string> | null {
  const o = f.object('video_source_properties');
  if (!o) return null;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'rtsp_transport') {
      if (v !== 'tcp' && v !== 'udp')
        throw new StreamManagerError(
          'STREAM_ERR_INVALID_PAYLOAD',
          `${f.at('video_source_properties')}.rtsp_transport must be "tcp" or "udp"`,
        );
      continue;
    }
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new StreamManagerError(
        'STREAM_ERR_INVALID_PAYLOAD',
        `${f.at('video_source_properties')}.${k} must be a number`,
      );
  }
  return o as Record<string, number | string>;
}

function video(f: Fields): VideoSpec {
  const type = f.string('type', 'VideoConfiguration');
  if (type !== 'VideoConfiguration') f.fail('type', '"VideoConfiguration"');
  const { refs, multi } = references(f);
  return {
    videoReference: refs,
    multi,
    maxFps: f.number('max_fps', null, (n) => n > 0, 'a number > 0'),
    fillingStrategy: f.oneOf('source_buffer_filling_strategy', FILLING, 'DROP_OLDEST'),
    consumptionStrategy: f.oneOf('source_buffer_consumption_strategy', CONSUMPTION, 'EAGER'),
    videoSourceProperties: sourceProperties(f),
    batchCollectionTimeout: f.number('batch_collection_timeout', null, (n) => n >= 0, 'a number >= 0'),
  };
}

function optionalString(f: Fields, key: string): string | null {
  const v = f.raw(key);
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return f.fail(key, 'a string');
}

function workflow(f: Fields): WorkflowProcessing {
  const spec = f.raw('workflow_specification');
  if (spec !== undefined && spec !== null && !isObject(spec)) f.fail('workflow_specification', 'an object');
  const p: WorkflowProcessing = {
    type: 'WorkflowConfiguration',
    workflowSpecification: (spec as JsonObject | undefined) ?? null,
    workspaceName: optionalString(f, 'workspace_name'),
    workflowId: optionalString(f, 'workflow_id'),
    workflowVersionId: optionalString(f, 'workflow_version_id'),
    imageInputName: f.string('image_input_name', 'image'),
    videoMetadataInputName: f.string('video_metadata_input_name', 'video_metadata'),
    workflowsParameters: f.object('workflows_parameters'),
    disableSinks: f.boolean('disable_sinks', false),
  };
  // accepted for compatibility; this engine runs steps in order on one thread
  f.integer('workflows_thread_pool_workers', 4, 1);
  f.integer('execution_engine_thread_pool_workers', 4, 1);
  f.boolean('cancel_thread_pool_tasks_on_exit', true);
  if (!p.workflowSpecification && !(p.workspaceName && p.workflowId)) {
    throw new StreamManagerError(
      'STREAM_ERR_INVALID_PAYLOAD',
      'processing_configuration needs workflow_specification, or workspace_name and workflow_id',
    );
  }
  return p;
}

function model(f: Fields): ModelProcessing {
  const cf = f.raw('class_filter');
  if (cf !== undefined && cf !== null && !(Array.isArray(cf) && cf.every((c) => typeof c === 'string')))
    f.fail('class_filter', 'a list of class names');
  const unit = (n: number) => n >= 0 && n <= 1;
  return {
    type: 'ModelConfiguration',
    modelId: f.string('model_id'),
    confidence: f.number('confidence', null, unit, 'a number in [0, 1]'),
    iouThreshold: f.number('iou_threshold', null, unit, 'a number in [0, 1]'),
    classAgnosticNms: f.boolean('class_agnostic_nms', false),
    maxDetections: f.number('max_detections', null, (n) => Number.isInteger(n) && n > 0, 'an integer > 0'),
    maxCandidates: f.number('max_candidates', null, (n) => Number.isInteger(n) && n > 0, 'an integer > 0'),
    classFilter: (cf as string[] | null | undefined) ?? null,
    track: f.boolean('tracking', false),
  };
}

/**
 * Checks an `initialise` body (Roboflow's `InitialisePipelinePayload`, plus our
 * `ModelConfiguration`), applying Roboflow's defaults. Unknown keys are ignored, as
 * pydantic does. `headerApiKey` (from the request) overrides the body's `api_key`.
 * @throws StreamManagerError `STREAM_ERR_INVALID_PAYLOAD` naming the bad field.
 */
export function parseInitPayload(body: unknown, headerApiKey?: string): PipelineSpec {
  const f = Fields.of(body, '');
  const pc = f.child('processing_configuration');
  const ptype = pc.string('type', 'WorkflowConfiguration');
  let processing: WorkflowProcessing | ModelProcessing;
  if (ptype === 'WorkflowConfiguration') processing = workflow(pc);
  else if (ptype === 'ModelConfiguration') processing = model(pc);
  else processing = pc.fail('type', '"WorkflowConfiguration" or "ModelConfiguration"');
  let resultsBufferSize = 64;
  if (f.has('sink_configuration')) {
    const s = f.child('sink_configuration');
    const st = s.string('type', 'MemorySinkConfiguration');
    if (st !== 'MemorySinkConfiguration') s.fail('type', '"MemorySinkConfiguration"');
    resultsBufferSize = s.integer('results_buffer_size', 64, 1);
  }
  const bodyKey = f.string('api_key', null);
  return {
    video: video(f.child('video_configuration')),
    processing,
    resultsBufferSize,
    consumptionTimeout: f.number('consumption_timeout', null, (n) => n > 0, 'a number of seconds > 0'),
    apiKey: headerApiKey || bodyKey || null,
    predictionsQueueSize: f.integer('predictions_queue_size', 512, 1),
    decodingBufferSize: f.integer('decoding_buffer_size', 64, 1),
  };
}
