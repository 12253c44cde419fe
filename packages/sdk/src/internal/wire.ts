/**
 * The JSON the server speaks, shaped as Roboflow Inference's responses.
 * Fields that Roboflow omits when unset are optional here.
 */

export interface WireImageSize {
  width: number;
  height: number;
}

/** One object-detection prediction. `x`, `y` are the box centre in original image pixels. */
export interface WireObjectDetectionPrediction {
  x: number;
  y: number;
  width: number;
  height: number;
  confidence: number;
  class: string;
  class_id: number;
  detection_id: string;
  class_confidence?: number;
  tracker_id?: number;
  parent_id?: string;
}

export interface WirePoint {
  x: number;
  y: number;
}

export interface WireInstanceSegmentationPrediction extends WireObjectDetectionPrediction {
  mask_format: 'polygon' | 'rle';
  points?: WirePoint[];
  rle?: { size: [number, number]; counts: string };
}

export interface WireKeypoint {
  x: number;
  y: number;
  confidence: number;
  class_id: number;
  class: string;
}

export interface WireKeypointsPrediction extends WireObjectDetectionPrediction {
  keypoints: WireKeypoint[];
}

export interface WireClassificationPrediction {
  class: string;
  class_id: number;
  confidence: number;
}

/** Fields every CV response envelope carries. */
export interface WireEnvelope {
  image: WireImageSize;
  time: number;
  inference_id?: string;
  frame_id?: number;
  /** base64 JPEG, only when visualisation was asked for. */
  visualization?: string;
}

export interface WireObjectDetectionResponse extends WireEnvelope {
  predictions: WireObjectDetectionPrediction[];
}

export interface WireInstanceSegmentationResponse extends WireEnvelope {
  predictions: WireInstanceSegmentationPrediction[];
}

export interface WireKeypointsResponse extends WireEnvelope {
  predictions: WireKeypointsPrediction[];
}

export interface WireClassificationResponse extends WireEnvelope {
  predictions: WireClassificationPrediction[];
  top: string;
  confidence: number;
  parent_id?: string;
}

export interface WireMultiLabelClassificationResponse extends WireEnvelope {
  predictions: Record<string, { confidence: number; class_id: number }>;
  predicted_classes: string[];
  parent_id?: string;
}

export interface WireSemanticSegmentationResponse extends WireEnvelope {
  predictions: {
    segmentation_mask: string;
    class_map: Record<string, string>;
    confidence_mask?: string;
    present_class_ids?: number[];
  };
}

export interface WireOcrResponse {
  result: string;
  time: number;
  parent_id: string | null;
  inference_id?: string;
  image?: WireImageSize;
  predictions?: WireObjectDetectionPrediction[];
}

/** Answer for a stub model (version `0`): no predictions, only the project's task. */
export interface WireStubResponse {
  time?: number;
  inference_id?: string;
  is_stub: true;
  model_id: string;
  task_type: string;
}

export type WireInferenceResponse =
  | WireObjectDetectionResponse
  | WireInstanceSegmentationResponse
  | WireKeypointsResponse
  | WireClassificationResponse
  | WireMultiLabelClassificationResponse
  | WireSemanticSegmentationResponse
  | WireStubResponse;

/** The SDK's rendering of a legacy-route `format=image` answer (a raw JPEG): the JPEG as base64. */
export interface WireVisualizationResponse {
  visualization: string;
}

/** The `image` field of a request: base64 bytes, or a URL the server downloads itself. */
export interface WireInferenceRequestImage {
  type: 'base64' | 'url';
  value: string;
}

/** Body of the v1 `/infer/{task}` routes (task parameters are added alongside). */
export interface WireInferenceRequest {
  model_id: string;
  api_key?: string;
  image: WireInferenceRequestImage | WireInferenceRequestImage[];
  [param: string]: unknown;
}

/** Body of `POST /model/add`. */
export interface WireModelAddRequest {
  model_id: string;
  model_type?: string;
  api_key?: string;
}

/** Body of the OCR routes; `<model>_version_id` picks the variant. */
export interface WireOcrRequest {
  image: WireInferenceRequestImage | WireInferenceRequestImage[];
  api_key?: string;
  doctr_version_id?: string;
  trocr_version_id?: string;
  easy_ocr_version_id?: string;
  pp_ocr_version_id?: string;
  generate_bounding_boxes?: boolean;
  language_codes?: string[];
  quantize?: boolean;
}

/** `GET /healthz`: `{status:"healthy"}`, or 503 `{status:"unhealthy", reason}`. */
export interface WireHealthResponse {
  status: string;
  reason?: string;
}

/** `GET /readiness`: `{status:"ready"}`, or 503 `{status:"not ready"}`. */
export interface WireReadinessResponse {
  status: string;
}

/** `/model/registry` and `/model/*` entries. */
export interface WireModelDescription {
  model_id: string;
  task_type: string;
  batch_size: number | null;
  input_height: number | null;
  input_width: number | null;
  vram_bytes?: number | null;
  request_aliases?: string[];
  request_paths?: string[];
}

export interface WireModelsDescriptions {
  models: WireModelDescription[];
  total_vram_bytes?: number | null;
  gpu_memory_used?: number | null;
  gpu_memory_total?: number | null;
  torch_cuda_allocated?: number | null;
  torch_cuda_reserved?: number | null;
  torch_cuda_allocator_cache?: number | null;
  non_torch_gpu_memory?: number | null;
}

export interface WireServerInfo {
  name: string;
  version: string;
  uuid: string;
}

/** One item of a FastAPI 422 `detail` list. */
export interface WireValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

/** Error bodies: `{message}` from handled errors, `{detail}` from validation (422) and HTTPException. */
export interface WireErrorBody {
  message?: string;
  detail?: string | WireValidationIssue[];
  error_type?: string;
  help_url?: string;
  inner_error_message?: string;
}
