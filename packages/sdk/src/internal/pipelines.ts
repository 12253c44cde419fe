import { InvalidParameterError } from './errors.js';

/** Options of `startInferencePipelineWithWorkflow` (the Python client's arguments, camelCased). */
export interface StartPipelineWithWorkflowOptions {
  /** A file path or URL the server can open, a camera index, or a list of them. */
  videoReference: string | number | (string | number)[];
  /** An inline workflow; or give `workspaceName` + `workflowId`. */
  workflowSpecification?: Record<string, unknown>;
  workspaceName?: string;
  workflowId?: string;
  /** Default 'image'. */
  imageInputName?: string;
  workflowsParameters?: Record<string, unknown>;
  /** Default 4. */
  workflowsThreadPoolWorkers?: number;
  /** Default true. */
  cancelThreadPoolTasksOnExit?: boolean;
  /** Default 'video_metadata'. */
  videoMetadataInputName?: string;
  maxFps?: number;
  /** Default 'DROP_OLDEST'. */
  sourceBufferFillingStrategy?:
    | 'WAIT'
    | 'DROP_OLDEST'
    | 'ADAPTIVE_DROP_OLDEST'
    | 'DROP_LATEST'
    | 'ADAPTIVE_DROP_LATEST';
  /** Default 'EAGER'. */
  sourceBufferConsumptionStrategy?: 'LAZY' | 'EAGER';
  videoSourceProperties?: Record<string, number | string>;
  /** Seconds. */
  batchCollectionTimeout?: number;
  /** Default 64. */
  resultsBufferSize?: number;
}

/** `{status, context: {request_id, pipeline_id}}`: the envelope of every pipeline response. */
export interface WirePipelineResponse {
  status: 'success' | 'failure';
  context: { request_id: string; pipeline_id: string | null };
  [key: string]: unknown;
}

export interface WirePipelinesList extends WirePipelineResponse {
  pipelines: string[];
}

export interface WirePipelineStatus extends WirePipelineResponse {
  report: Record<string, unknown>;
}

export interface WirePipelineResults extends WirePipelineResponse {
  outputs: (Record<string, unknown> | null)[];
  frames_metadata: ({ frame_timestamp: string; frame_id: number; source_id: number | null } | null)[];
}

/** The `initialise` body Roboflow's Python client sends for `start_inference_pipeline_with_workflow`. */
export function workflowPipelinePayload(
  o: StartPipelineWithWorkflowOptions,
  apiKey: string | undefined,
): Record<string, unknown> {
  const named = o.workspaceName !== undefined && o.workflowId !== undefined;
  if ((o.workflowSpecification === undefined) === !named) {
    throw new InvalidParameterError('Give either workflowSpecification, or workspaceName and workflowId');
  }
  return {
    api_key: apiKey ?? null,
    video_configuration: {
      type: 'VideoConfiguration',
      video_reference: o.videoReference,
      max_fps: o.maxFps ?? null,
      source_buffer_filling_strategy: o.sourceBufferFillingStrategy ?? 'DROP_OLDEST',
      source_buffer_consumption_strategy: o.sourceBufferConsumptionStrategy ?? 'EAGER',
      video_source_properties: o.videoSourceProperties ?? null,
      batch_collection_timeout: o.batchCollectionTimeout ?? null,
    },
    processing_configuration: {
      type: 'WorkflowConfiguration',
      workflow_specification: o.workflowSpecification ?? null,
      workspace_name: o.workspaceName ?? null,
      workflow_id: o.workflowId ?? null,
      image_input_name: o.imageInputName ?? 'image',
      workflows_parameters: o.workflowsParameters ?? null,
      workflows_thread_pool_workers: o.workflowsThreadPoolWorkers ?? 4,
      cancel_thread_pool_tasks_on_exit: o.cancelThreadPoolTasksOnExit ?? true,
      video_metadata_input_name: o.videoMetadataInputName ?? 'video_metadata',
    },
    sink_configuration: { type: 'MemorySinkConfiguration', results_buffer_size: o.resultsBufferSize ?? 64 },
  };
}

/** Path of one pipeline's route; an empty id is refused as the Python client does. */
export function pipelinePath(pipelineId: string, action: string): string {
  if (!pipelineId) throw new InvalidParameterError('Empty pipeline_id given');
  return `/inference_pipelines/${encodeURIComponent(pipelineId)}/${action}`;
}
