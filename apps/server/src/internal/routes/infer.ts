import type { RgbImage } from '@inference-ts/core';
import { WIRE_INSTANCE_SEGMENTATION_PROPERTIES, WIRE_KEYPOINT_PROPERTIES } from '@inference-ts/sdk/wire';
import type { FastifyPluginAsync } from 'fastify';
import { type RequestImage, toImageSources } from '../inference/images.js';
import { toInferOptions, toVisualize, type WireTaskParams } from '../inference/params.js';
import { clientGone, runInference } from '../inference/run.js';
import { roboflowKeyOf } from '../plugins/auth.js';
import {
  BASE_REQUEST_PROPERTIES,
  DETECTION_PROPERTIES,
  ERROR_RESPONSES,
  PREPROC_PROPERTIES,
} from '../schemas/shared.js';
import { sendResults } from './respond.js';

/** A v1 body: model, image(s) and task parameters. */
interface V1Body extends WireTaskParams {
  model_id: string;
  image: RequestImage | RequestImage[];
}

const common = {
  model_id: { type: 'string', minLength: 1, description: 'dataset/version, an alias, or a loaded model id' },
  image: { $ref: 'ImageField#' },
  ...BASE_REQUEST_PROPERTIES,
  ...PREPROC_PROPERTIES,
} as const;

const visualization = {
  visualize_predictions: DETECTION_PROPERTIES.visualize_predictions,
  visualization_stroke_width: DETECTION_PROPERTIES.visualization_stroke_width,
} as const;

/** Body properties per v1 route (contract §2). */
const ROUTES: Record<string, { summary: string; properties: Record<string, unknown> }> = {
  object_detection: {
    summary: 'Object detection',
    properties: { ...common, ...DETECTION_PROPERTIES },
  },
  instance_segmentation: {
    summary: 'Instance segmentation',
    properties: {
      ...common,
      ...DETECTION_PROPERTIES,
      ...WIRE_INSTANCE_SEGMENTATION_PROPERTIES,
      enforce_dense_masks_in_inference_models: { type: 'boolean' },
    },
  },
  keypoints_detection: {
    summary: 'Keypoint detection',
    properties: {
      ...common,
      ...DETECTION_PROPERTIES,
      // "best"/"default" are refused here (422), as in Roboflow.
      confidence: { type: 'number', minimum: 0, maximum: 1 },
      ...WIRE_KEYPOINT_PROPERTIES,
    },
  },
  classification: {
    summary: 'Classification (single- or multi-label)',
    properties: { ...common, ...visualization, confidence: { $ref: 'Confidence#' } },
  },
  semantic_segmentation: {
    summary: 'Semantic segmentation',
    properties: { ...common, ...visualization, confidence: { $ref: 'Confidence#' } },
  },
};

/** `POST /infer/{task}`: the v1 inference routes. One image in, one envelope out; a list in, a list out. */
export const inferRoutes: FastifyPluginAsync = async (app) => {
  const s = app.services;
  for (const [path, def] of Object.entries(ROUTES)) {
    app.post<{ Body: V1Body }>(
      `/${path}`,
      {
        // queue admission from a scan of the raw body, before JSON.parse (plugins/admission.ts)
        config: { admitFrom: 'body' },
        schema: {
          tags: ['inference'],
          summary: def.summary,
          body: { type: 'object', required: ['model_id', 'image'], properties: def.properties },
          response: {
            200: {
              anyOf: [
                { $ref: 'InferenceResponse#' },
                { type: 'array', items: { $ref: 'InferenceResponse#' } },
              ],
            },
            ...ERROR_RESPONSES,
          },
        },
      },
      async (req, reply) => {
        const body = req.body;
        const many = Array.isArray(body.image);
        const images = Array.isArray(body.image) ? body.image : [body.image];
        const sources = toImageSources(images, s.options);
        const apiKey = roboflowKeyOf(req, s.options);
        let decoded: RgbImage[] = [];
        const out = await runInference(s, req.ctx, {
          modelId: body.model_id,
          apiKey,
          clientGone: clientGone(reply),
          sources,
          options: toInferOptions(body),
          visualize: toVisualize(body),
          onDecoded: (d) => {
            decoded = d;
          },
        });
        const model = [...req.ctx.models][0] ?? body.model_id;
        // queued only: sampling, encoding and storage run after the answer
        s.activeLearning?.offerRequest(req.id, body, {
          modelId: model,
          apiKey,
          sources,
          images: decoded,
          results: out.results,
        });
        return sendResults(reply, s, model, out, many);
      },
    );
  }
};
