import { WIRE_OCR_PROPERTIES } from '@inference-ts/sdk/wire';
import type { FastifyPluginAsync } from 'fastify';
import { type RequestImage, toImageSources } from '../inference/images.js';
import { clientGone, runInference } from '../inference/run.js';
import { BASE_REQUEST_PROPERTIES, ERROR_RESPONSES, PREPROC_PROPERTIES } from '../schemas/shared.js';
import { sendResults } from './respond.js';

interface OcrBody {
  image: RequestImage | RequestImage[];
  pp_ocr_version_id?: string;
  generate_bounding_boxes?: boolean;
  disable_preproc_auto_orient?: boolean;
}

/**
 * `POST /ocr/pp-ocr`: the built-in PaddleOCR (no download, works offline),
 * on the route Roboflow's Python client uses for it. Answers
 * `{result, time, parent_id: null, inference_id}` (+ `image`, `predictions`
 * with `generate_bounding_boxes`); a list in, a list out.
 */
export const ocrRoutes: FastifyPluginAsync = async (app) => {
  const s = app.services;
  app.post<{ Body: OcrBody }>(
    '/pp-ocr',
    {
      schema: {
        tags: ['ocr'],
        summary: 'Text recognition with the built-in PaddleOCR',
        body: {
          type: 'object',
          required: ['image'],
          properties: {
            image: { $ref: 'ImageField#' },
            pp_ocr_version_id: { type: 'string' },
            text_detection: {},
            text_recognition: {},
            ...WIRE_OCR_PROPERTIES,
            ...BASE_REQUEST_PROPERTIES,
            ...PREPROC_PROPERTIES,
          },
        },
        response: {
          200: {
            description: 'OCRInferenceResponse, or a list of them',
            anyOf: [{ type: 'object', additionalProperties: true }, { type: 'array' }],
          },
          ...ERROR_RESPONSES,
        },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const many = Array.isArray(body.image);
      const images = Array.isArray(body.image) ? body.image : [body.image];
      const out = await runInference(s, req.ctx, {
        modelId: 'pp-ocr',
        clientGone: clientGone(reply),
        sources: toImageSources(images, s.options),
        options: {
          generateBoundingBoxes: body.generate_bounding_boxes ?? false,
          disablePreprocAutoOrient: body.disable_preproc_auto_orient ?? false,
        },
      });
      return sendResults(reply, s, 'pp-ocr', out, many);
    },
  );
};
