import type { FastifyPluginAsync } from 'fastify';
import { ServerError } from '../errors.js';

/**
 * Roboflow Inference routes this server does not serve. Without these they
 * would fall into the legacy `/{dataset}/{version}` catch-all and answer with
 * a misleading model error (or start a model fetch); instead they say plainly
 * that the feature is not here (501), or gone (410, as Roboflow answers for gaze).
 */
const NOT_SERVED = [
  '/clip/*',
  '/perception_encoder/*',
  '/doctr/ocr',
  '/easy_ocr/ocr',
  '/ocr/trocr',
  '/sam/*',
  '/sam2/*',
  '/sam3/*',
  '/sam3_3d/infer',
  '/grounding_dino/infer',
  '/yolo_world/infer',
  '/owlv2/infer',
  '/infer/lmm',
  '/infer/lmm/*',
  '/infer/depth-estimation',
  '/infer/depth-estimation/*',
  '/infer/workflows',
  '/infer/workflows/*',
  '/workflows/*',
  '/inference_pipelines/*',
];

export const unsupportedRoutes: FastifyPluginAsync<{ streamApi?: boolean }> = async (app, options) => {
  const hidden = { schema: { hide: true } };
  for (const url of NOT_SERVED) {
    if (options.streamApi && url === '/inference_pipelines/*') continue; // served by routes/stream-api.ts
    app.all(url, hidden, async () => {
      throw new ServerError(
        'SERVER_ERR_NOT_SUPPORTED',
        `${url.replace('/*', '')} is not served by Inference TS.`,
      );
    });
  }
  app.all('/gaze/gaze_detection', hidden, async () => {
    throw new ServerError('SERVER_ERR_DEPRECATED', 'Gaze detection was removed from Roboflow Inference.');
  });
};
