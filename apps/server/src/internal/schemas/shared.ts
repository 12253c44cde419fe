/**
 * JSON schemas shared by $id: request pieces (image, confidence), response
 * envelopes and error bodies. Routes reference them as `{ $ref: '<id>#' }`,
 * and /docs lists them as components. Request parameters come from the SDK's
 * wire contract (`@inference-ts/sdk/wire`).
 */
import {
  WIRE_BASE_PROPERTIES,
  WIRE_CONFIDENCE_SCHEMA,
  WIRE_DETECTION_PROPERTIES,
  WIRE_PREPROCESSING_PROPERTIES,
} from '@inference-ts/sdk/wire';

const nullableInt = { type: ['integer', 'null'] } as const;

export const SHARED_SCHEMAS = [
  {
    $id: 'InferenceRequestImage',
    type: 'object',
    description:
      'An image: base64 (a data: prefix is allowed), url (https by default), or file (server-side path, off by default).',
    required: ['type'],
    properties: {
      type: { type: 'string', description: 'base64 | url | file (case-insensitive)' },
      value: { description: 'base64 text, URL or path' },
    },
  },
  {
    $id: 'ImageField',
    description: 'One image, or a list of images (the response is then a list, in order).',
    anyOf: [
      { $ref: 'InferenceRequestImage#' },
      { type: 'array', minItems: 1, items: { $ref: 'InferenceRequestImage#' } },
    ],
  },
  { $id: 'Confidence', ...WIRE_CONFIDENCE_SCHEMA },
  {
    $id: 'ErrorMessage',
    type: 'object',
    description: 'A handled error (Roboflow shape).',
    properties: { message: { type: 'string' } },
    additionalProperties: true,
  },
  {
    $id: 'ValidationError',
    type: 'object',
    description: 'Request validation failure (FastAPI shape).',
    properties: {
      detail: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            type: { type: 'string' },
            loc: { type: 'array', items: { type: ['string', 'integer'] } },
            msg: { type: 'string' },
            input: {},
          },
        },
      },
    },
  },
  {
    $id: 'InferenceResponse',
    type: 'object',
    description:
      'A Roboflow response envelope: image {width,height}, predictions (task-specific), time (s), inference_id, and visualization (base64 JPEG) when asked for.',
    properties: {
      image: { type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' } } },
      predictions: {},
      time: { type: 'number' },
      inference_id: { type: 'string' },
      visualization: { type: 'string' },
    },
    additionalProperties: true,
  },
  {
    $id: 'ModelsDescriptions',
    type: 'object',
    properties: {
      models: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            model_id: { type: 'string' },
            task_type: { type: 'string' },
            batch_size: nullableInt,
            input_height: nullableInt,
            input_width: nullableInt,
            vram_bytes: nullableInt,
            request_aliases: { type: 'array', items: { type: 'string' } },
            request_paths: { type: 'array', items: { type: 'string' } },
          },
        },
      },
      total_vram_bytes: nullableInt,
      gpu_memory_used: nullableInt,
      gpu_memory_total: nullableInt,
      torch_cuda_allocated: nullableInt,
      torch_cuda_reserved: nullableInt,
      torch_cuda_allocator_cache: nullableInt,
      non_torch_gpu_memory: nullableInt,
    },
  },
] as const;

/** Error responses every inference route may give (for the docs). */
export const ERROR_RESPONSES = {
  400: { $ref: 'ErrorMessage#' },
  401: { $ref: 'ErrorMessage#' },
  404: { $ref: 'ErrorMessage#' },
  422: { $ref: 'ValidationError#' },
  429: { $ref: 'ErrorMessage#' },
  503: { $ref: 'ErrorMessage#' },
} as const;

/** Body fields every v1 request accepts and the server ignores or uses for auth. */
export const BASE_REQUEST_PROPERTIES = WIRE_BASE_PROPERTIES;

export const PREPROC_PROPERTIES = WIRE_PREPROCESSING_PROPERTIES;

/** Object-detection parameters (keypoints and instance segmentation add to these); confidence by reference. */
export const DETECTION_PROPERTIES = {
  ...WIRE_DETECTION_PROPERTIES,
  confidence: { $ref: 'Confidence#' },
} as const;
