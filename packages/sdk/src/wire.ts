/**
 * @inference-ts/sdk/wire: the wire format of the HTTP API, owned by the SDK (zero
 * dependencies). The JSON shapes the server answers with (`Wire*`, shaped as Roboflow
 * Inference's), and the request-parameter contract: the snake_case parameters as types
 * and as JSON Schema, from which the server's route schemas and the CLI's flags derive.
 */

// inference pipelines' answers
export type {
  WirePipelineResponse,
  WirePipelineResults,
  WirePipelineStatus,
  WirePipelinesList,
} from './internal/pipelines.js';
// responses and requests: inference, OCR, model registry, server info, errors
export type * from './internal/wire.js';
// the request-parameter contract: types, and JSON Schema property tables
export {
  WIRE_BASE_PROPERTIES,
  WIRE_CONFIDENCE_SCHEMA,
  WIRE_DETECTION_PROPERTIES,
  WIRE_INSTANCE_SEGMENTATION_PROPERTIES,
  WIRE_KEYPOINT_PROPERTIES,
  WIRE_LEGACY_QUERY_SCHEMA,
  WIRE_OCR_PROPERTIES,
  WIRE_PREPROCESSING_PROPERTIES,
  type WireLegacyQuery,
  type WireTaskParams,
} from './internal/wire-params.js';
