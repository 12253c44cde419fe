import {
  ClassificationResult,
  type Detections,
  type InferenceResult,
  type InferOptions,
  type VisionModel,
} from '@inference-ts/core';
import type { BlockDefinition, DetectionsMeta, FieldRule, FrameScope, WorkflowImage } from '../types.js';

const sel: FieldRule = { allow: 'selector' };
const unit = (v: unknown) => (typeof v === 'number' && v >= 0 && v <= 1 ? undefined : 'a number in [0, 1]');
const posInt = (v: unknown) => (Number.isInteger(v) && (v as number) > 0 ? undefined : 'an integer > 0');
const bool = (v: unknown) => (typeof v === 'boolean' ? undefined : 'true or false');
const names = (v: unknown) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'a list of class names';

type Task =
  | 'object_detection'
  | 'instance_segmentation'
  | 'classification'
  | 'multi_label_classification'
  | 'keypoint_detection';

interface ModelBlockSpec {
  task: Task;
  name: string;
  maxVersion: number;
  aliases: string[];
  /** v3 confidence modes. */
  modes: readonly string[];
}

const SPECS: ModelBlockSpec[] = [
  {
    task: 'object_detection',
    name: 'roboflow_core/roboflow_object_detection_model',
    maxVersion: 3,
    aliases: ['RoboflowObjectDetectionModel', 'ObjectDetectionModel'],
    modes: ['best', 'default', 'custom'],
  },
  {
    task: 'instance_segmentation',
    name: 'roboflow_core/roboflow_instance_segmentation_model',
    maxVersion: 4,
    aliases: ['RoboflowInstanceSegmentationModel', 'InstanceSegmentationModel'],
    modes: ['best', 'default', 'custom'],
  },
  {
    task: 'classification',
    name: 'roboflow_core/roboflow_classification_model',
    maxVersion: 3,
    aliases: ['RoboflowClassificationModel', 'ClassificationModel'],
    modes: ['default', 'custom'],
  },
  {
    task: 'multi_label_classification',
    name: 'roboflow_core/roboflow_multi_label_classification_model',
    maxVersion: 3,
    aliases: ['RoboflowMultiLabelClassificationModel', 'MultiLabelClassificationModel'],
    modes: ['best', 'default', 'custom'],
  },
  {
    task: 'keypoint_detection',
    name: 'roboflow_core/roboflow_keypoint_detection_model',
    maxVersion: 3,
    aliases: ['RoboflowKeypointDetectionModel', 'KeypointsDetectionModel'],
    modes: ['default', 'custom'],
  },
];

const isDetectionTask = (t: Task) =>
  t === 'object_detection' || t === 'instance_segmentation' || t === 'keypoint_detection';

/** The wire predictions of a detection-style step: detections with their frame's size and naming. */
function detectionsOutput(result: InferenceResult, parentId: string): Detections {
  const r = result as unknown as {
    detections: Detections;
    classNames: readonly string[];
    image: { width: number; height: number };
    keypointNames?: readonly string[];
    task: string;
  };
  const d = r.detections;
  const meta: DetectionsMeta = {
    imageWidth: r.image.width,
    imageHeight: r.image.height,
    classNames: r.classNames,
    task: r.task,
    ...(r.keypointNames ? { keypointNames: r.keypointNames } : {}),
  };
  return d.with({
    data: { ...d.data, parentId: Array.from({ length: d.length }, () => parentId) },
    metadata: { ...d.metadata, ...meta },
  });
}

/** The classification dict Roboflow's blocks output: the model response plus lineage. */
function classificationOutput(
  result: ClassificationResult,
  parentId: string,
  multi: boolean,
): Record<string, unknown> {
  return {
    ...result.toJSON(),
    prediction_type: multi ? 'classification' : 'classification',
    parent_id: parentId,
    root_parent_id: parentId,
  };
}

function modelBlock(spec: ModelBlockSpec): BlockDefinition {
  const detection = isDetectionTask(spec.task);
  return {
    name: spec.name,
    versions: Array.from({ length: spec.maxVersion }, (_, i) => `v${i + 1}`),
    aliases: spec.aliases,
    outputs: (v) => (v >= 2 ? ['predictions', 'inference_id', 'model_id'] : ['predictions', 'inference_id']),
    fields(v) {
      const f: Record<string, FieldRule> = {
        images: sel,
        image: sel,
        model_id: {
          allow: 'input',
          required: true,
          check: (x) => (typeof x === 'string' && x ? undefined : 'a model id'),
        },
        disable_active_learning: { ...sel, check: bool },
        active_learning_target_dataset: sel,
      };
      if (v >= 3) {
        f.confidence_mode = {
          ...sel,
          check: (x) => (spec.modes.includes(x as string) ? undefined : `one of ${spec.modes.join(', ')}`),
        };
        f.custom_confidence = { ...sel, check: unit };
      } else f.confidence = { ...sel, check: unit };
      if (detection) {
        f.class_filter = { ...sel, check: names };
        f.iou_threshold = { ...sel, check: unit };
        f.max_detections = { ...sel, check: posInt };
        f.class_agnostic_nms = { ...sel, check: bool };
        f.max_candidates = { ...sel, check: posInt };
      }
      if (spec.task === 'keypoint_detection') f.keypoint_confidence = { ...sel, check: unit };
      if (spec.task === 'instance_segmentation') {
        f.mask_decode_mode = {
          ...sel,
          check: (x) =>
            ['accurate', 'tradeoff', 'fast'].includes(x as string) ? undefined : 'accurate, tradeoff or fast',
        };
        f.tradeoff_factor = { ...sel, check: unit };
      }
      return f;
    },
    check(v, raw) {
      if (raw.images === undefined && raw.image === undefined) return 'field `images` is required';
      if (v >= 3 && raw.confidence_mode === 'custom' && raw.custom_confidence === undefined)
        return '`custom_confidence` is required when confidence_mode is "custom"';
      return undefined;
    },
    async create(v, step, context) {
      const modelId = String(context.constant('model_id'));
      const lease = await context.engine.acquire(
        modelId,
        context.apiKey ? { apiKey: context.apiKey } : undefined,
      );
      const model: VisionModel = lease.model;
      const multi = spec.task === 'multi_label_classification';
      const imageField = step.fields.images ? 'images' : 'image';
      return {
        dispose: () => lease.release(),
        async run(scopes: FrameScope[], read) {
          const first = scopes[0];
          const num = (field: string) => {
            const x = read(first, field);
            return typeof x === 'number' ? x : undefined;
          };
          const options: InferOptions = {};
          const confidence =
            v >= 3
              ? read(first, 'confidence_mode') === 'custom'
                ? num('custom_confidence')
                : undefined
              : num('confidence');
          if (confidence !== undefined) options.confidence = confidence;
          if (detection) {
            const iou = num('iou_threshold');
            if (iou !== undefined) options.iouThreshold = iou;
            const maxDet = num('max_detections');
            if (maxDet !== undefined) options.maxDetections = maxDet;
            const maxCand = num('max_candidates');
            if (maxCand !== undefined) options.maxCandidates = maxCand;
            if (read(first, 'class_agnostic_nms') === true) options.classAgnosticNms = true;
            const cf = read(first, 'class_filter');
            if (Array.isArray(cf)) options.classFilter = cf as string[];
          }
          const kc = num('keypoint_confidence');
          if (kc !== undefined) options.keypointConfidence = kc;
          const mdm = read(first, 'mask_decode_mode');
          if (typeof mdm === 'string') options.maskDecodeMode = mdm as InferOptions['maskDecodeMode'];
          const images = scopes.map((s) => read(s, imageField) as WorkflowImage);
          const results = await model.inferDecoded(
            images.map((i) => i.image),
            options,
          );
          return results.map((r, i) => {
            const parentId = images[i].parentId;
            const predictions =
              r instanceof ClassificationResult
                ? classificationOutput(r, parentId, multi)
                : detectionsOutput(r, parentId);
            const out: Record<string, unknown> = { predictions, inference_id: r.inferenceId };
            if (v >= 2) out.model_id = modelId;
            return out;
          });
        },
      };
    },
  };
}

export const MODEL_BLOCKS: BlockDefinition[] = SPECS.map(modelBlock);
