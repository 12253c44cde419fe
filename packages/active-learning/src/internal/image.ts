import type { RgbImage } from '@inference-ts/core';
import sharp, { type Sharp } from 'sharp';
import { ActiveLearningError } from './errors.js';
import { detectionsOf, isStub, type PredictionType, type WirePrediction } from './prediction.js';

/** What registration uploads: a decoded image, or encoded bytes (decoded off the request path, auto-oriented). */
export type DatapointImage = RgbImage | Uint8Array;

export interface PreparedImage {
  jpeg: Buffer;
  width: number;
  height: number;
  /** Uploaded height over the height the prediction's coordinates refer to. */
  scale: number;
}

const isRgb = (i: DatapointImage): i is RgbImage => !(i instanceof Uint8Array);

/**
 * Downscales (never upscales, aspect kept) to fit `maxSize` = [height, width]
 * and JPEG-encodes at `quality`. `referenceHeight` is the height the
 * prediction speaks of (its `image.height`), so a prediction made on a
 * different-size decode is rescaled onto what is uploaded.
 */
export async function prepareImage(
  image: DatapointImage,
  maxSize: [number, number] | undefined,
  quality: number,
  referenceHeight?: number,
): Promise<PreparedImage> {
  try {
    let s: Sharp;
    let w: number;
    let h: number;
    if (isRgb(image)) {
      s = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
      w = image.width;
      h = image.height;
    } else {
      s = sharp(image).rotate();
      const meta = await sharp(image).metadata();
      const swap = (meta.orientation ?? 1) >= 5;
      w = (swap ? meta.height : meta.width) ?? 0;
      h = (swap ? meta.width : meta.height) ?? 0;
    }
    let outW = w;
    let outH = h;
    if (maxSize && (h > maxSize[0] || w > maxSize[1])) {
      const f = Math.min(maxSize[0] / h, maxSize[1] / w);
      outW = Math.max(1, Math.round(w * f));
      outH = Math.max(1, Math.round(h * f));
      s = s.resize({ width: outW, height: outH, fit: 'fill' });
    }
    const jpeg = await s.jpeg({ quality }).toBuffer();
    return { jpeg, width: outW, height: outH, scale: outH / (referenceHeight || h) };
  } catch (err) {
    throw new ActiveLearningError('AL_ERR_PREDICTION_FORMAT', 'The datapoint image cannot be encoded.', {
      cause: err,
    });
  }
}

/**
 * Puts a prediction onto the uploaded image's pixels: image size and, for
 * detection-type predictions (boxes, polygon points, keypoints), geometry
 * multiplied by `scale`. Classification, stubs and empty predictions keep
 * their geometry. Returns a copy; no-op when |scale - 1| < 1e-5.
 */
export function rescalePrediction(
  prediction: WirePrediction,
  type: PredictionType,
  scale: number,
  uploaded: { width: number; height: number },
): WirePrediction {
  if (Math.abs(scale - 1) < 1e-5) return prediction;
  const out: WirePrediction = { ...prediction };
  if (prediction.image) out.image = { width: uploaded.width, height: uploaded.height };
  if (isStub(prediction) || type === 'classification') return out;
  const dets = detectionsOf(prediction);
  if (dets.length === 0) return out;
  out.predictions = dets.map((d) => {
    const c = { ...d, x: d.x * scale, y: d.y * scale, width: d.width * scale, height: d.height * scale };
    if (d.points) c.points = d.points.map((p) => ({ ...p, x: p.x * scale, y: p.y * scale }));
    if (d.keypoints) c.keypoints = d.keypoints.map((k) => ({ ...k, x: k.x * scale, y: k.y * scale }));
    return c;
  });
  return out;
}
