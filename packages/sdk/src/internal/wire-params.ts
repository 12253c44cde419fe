/**
 * The request-parameter contract of the HTTP API: the snake_case names
 * Roboflow's servers take, as types and as JSON Schema (plain objects, no
 * dependency). The server builds its route schemas from these, the core maps
 * them to `InferOptions` (`inferOptionsFromWire`), and the CLI's flags are
 * declared from the same rows.
 */

/** Task parameters of a v1 inference body. */
export interface WireTaskParams {
  /** Echoed as `inference_id`. */
  id?: string;
  /** 0..1, or 'best'/'default' for the model's default. */
  confidence?: number | string;
  iou_threshold?: number;
  class_agnostic_nms?: boolean;
  class_filter?: string[] | null;
  max_detections?: number;
  max_candidates?: number;
  keypoint_confidence?: number;
  mask_decode_mode?: 'accurate' | 'fast' | 'tradeoff';
  tradeoff_factor?: number;
  response_mask_format?: 'polygon' | 'rle';
  disable_preproc_auto_orient?: boolean;
  disable_preproc_contrast?: boolean;
  disable_preproc_grayscale?: boolean;
  disable_preproc_static_crop?: boolean;
  visualize_predictions?: boolean;
  visualization_labels?: boolean;
  visualization_stroke_width?: number;
  generate_bounding_boxes?: boolean;
}

/** Query parameters of the legacy `/{dataset_id}/{version_id}` route. */
export interface WireLegacyQuery {
  api_key?: string;
  /** A fraction, or a percentage when >= 1. */
  confidence?: number | string;
  keypoint_confidence?: number;
  format?: 'json' | 'image' | 'image_and_json';
  image?: string;
  image_type?: string;
  labels?: boolean;
  mask_decode_mode?: 'accurate' | 'fast' | 'tradeoff';
  tradeoff_factor?: number;
  max_detections?: number;
  /** NMS IoU; values >= 1 are percent. */
  overlap?: number;
  stroke?: number;
  disable_preproc_auto_orient?: boolean;
  disable_preproc_contrast?: boolean;
  disable_preproc_grayscale?: boolean;
  disable_preproc_static_crop?: boolean;
  response_mask_format?: 'polygon' | 'rle';
}

/** `confidence`: a fraction, or the model's default. */
export const WIRE_CONFIDENCE_SCHEMA = {
  description: 'Minimum confidence in 0..1, or "best"/"default" for the model default.',
  anyOf: [
    { type: 'number', minimum: 0, maximum: 1 },
    { type: 'string', enum: ['best', 'default'] },
  ],
} as const;

/** Body fields every v1 request accepts (identity, accounting, active learning). */
export const WIRE_BASE_PROPERTIES = {
  id: { type: 'string', description: 'Echoed as inference_id.' },
  api_key: { type: 'string' },
  model_type: { type: 'string' },
  usage_billable: { type: 'boolean' },
  start: { type: 'number' },
  source: { type: 'string' },
  source_info: { type: 'string' },
  disable_model_monitoring: { type: 'boolean' },
  disable_active_learning: { type: 'boolean' },
  active_learning_target_dataset: { type: 'string' },
} as const;

/** Switches for Roboflow's preprocessing steps. */
export const WIRE_PREPROCESSING_PROPERTIES = {
  disable_preproc_auto_orient: { type: 'boolean', default: false },
  disable_preproc_contrast: { type: 'boolean', default: false },
  disable_preproc_grayscale: { type: 'boolean', default: false },
  disable_preproc_static_crop: { type: 'boolean', default: false },
} as const;

/** Object-detection parameters (keypoints and instance segmentation add to these). */
export const WIRE_DETECTION_PROPERTIES = {
  confidence: WIRE_CONFIDENCE_SCHEMA,
  iou_threshold: { type: 'number', minimum: 0, maximum: 1 },
  class_agnostic_nms: { type: 'boolean' },
  class_filter: { type: ['array', 'null'], items: { type: 'string' } },
  max_detections: { type: 'integer', minimum: 1 },
  max_candidates: { type: 'integer', minimum: 1 },
  fix_batch_size: { type: 'boolean' },
  visualize_predictions: { type: 'boolean', default: false },
  visualization_labels: { type: 'boolean', default: false },
  visualization_stroke_width: { type: 'integer', minimum: 1, default: 1 },
} as const;

/** Instance segmentation adds mask decoding and the mask format. */
export const WIRE_INSTANCE_SEGMENTATION_PROPERTIES = {
  mask_decode_mode: { type: 'string', enum: ['accurate', 'fast', 'tradeoff'], default: 'accurate' },
  tradeoff_factor: { type: 'number', minimum: 0, maximum: 1, default: 0 },
  response_mask_format: { type: 'string', enum: ['polygon', 'rle'], default: 'polygon' },
} as const;

/** Keypoint detection adds the keypoint threshold. */
export const WIRE_KEYPOINT_PROPERTIES = {
  keypoint_confidence: { type: 'number', minimum: 0, maximum: 1, default: 0 },
} as const;

/** OCR adds one box per recognised region. */
export const WIRE_OCR_PROPERTIES = {
  generate_bounding_boxes: { type: 'boolean', default: false },
} as const;

const flag = { type: 'boolean', default: false } as const;

/** The legacy route's query string. */
export const WIRE_LEGACY_QUERY_SCHEMA = {
  type: 'object',
  properties: {
    api_key: { type: 'string' },
    // a fraction, or a percentage when >= 1 (Roboflow's legacy convention)
    confidence: {
      anyOf: [
        { type: 'number', minimum: 0, maximum: 100 },
        { type: 'string', enum: ['best', 'default'] },
      ],
    },
    keypoint_confidence: { type: 'number' },
    format: { type: 'string', enum: ['json', 'image', 'image_and_json'], default: 'json' },
    image: { type: 'string', description: 'Image URL; when set the body is ignored.' },
    image_type: {
      type: 'string',
      default: 'base64',
      description: 'Type of a raw body: base64 (numpy is refused).',
    },
    labels: flag,
    mask_decode_mode: { type: 'string', enum: ['accurate', 'fast', 'tradeoff'], default: 'accurate' },
    tradeoff_factor: { type: 'number', default: 0 },
    max_detections: { type: 'integer', minimum: 1, default: 300 },
    overlap: { type: 'number', minimum: 0, description: 'NMS IoU; values >= 1 are percent.' },
    stroke: { type: 'integer', minimum: 1, default: 1 },
    disable_preproc_auto_orient: flag,
    disable_preproc_contrast: flag,
    disable_preproc_grayscale: flag,
    disable_preproc_static_crop: flag,
    disable_active_learning: flag,
    active_learning_target_dataset: { type: 'string' },
    source: { type: 'string' },
    source_info: { type: 'string' },
    disable_model_monitoring: flag,
    response_mask_format: { type: 'string', enum: ['polygon', 'rle'], default: 'polygon' },
    countinference: { type: 'boolean' },
    service_secret: { type: 'string' },
  },
} as const;
