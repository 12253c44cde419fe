import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import type { ImageAdjustments, InputSpec } from '../manifest/types.js';
import { planAdjustments, runPlan } from './adjust.js';
import { resizeGeometry, validateImage, validateInputSpec } from './geometry.js';
import { fillPadding, type PlaneWriter, resampleInto } from './resample.js';
import { axisTaps } from './taps.js';
import type { PreprocessDisable, PreprocessedImage, PreprocessMeta } from './types.js';

const DEFAULT_PAD: [number, number, number] = [114, 114, 114];

/**
 * Preprocesses one image into `out` at `offset` (3 planes of `height * width`
 * float32, NCHW) and returns the meta that maps network pixels back.
 *
 * Steps: static crop / contrast / grayscale ({@link applyAdjustments}), then
 * one fused pass that resamples (bilinear with half-pixel centres like
 * `cv2.resize(INTER_LINEAR)`; area averaging on an axis shrunk more than 2x),
 * applies channel order, `scale`, `mean` and `std`, and writes the planes
 * directly; padding is filled with `padColor` passed through the same
 * transform. Values are not rounded to 8 bits between resize and scaling.
 * A static crop alone is sampled in place, without copying the image.
 *
 * @example
 * const buf = new Float32Array(2 * 3 * 640 * 640);
 * const meta = preprocessInto(img, manifest.input, buf, 3 * 640 * 640); // second slot of a batch
 */
export function preprocessInto(
  image: RgbImage,
  input: InputSpec,
  out: Float32Array,
  offset: number,
  adjustments?: ImageAdjustments,
  disable?: PreprocessDisable,
): PreprocessMeta {
  validateImage(image);
  validateInputSpec(input);
  const W = input.width;
  const H = input.height;
  const hw = W * H;
  if (!Number.isInteger(offset) || offset < 0 || offset + 3 * hw > out.length) {
    throw new InferenceError(
      'CORE_ERR_PREPROCESS',
      `output buffer too small for a ${W}x${H} image at ${offset}`,
    );
  }
  const plan = planAdjustments(image.width, image.height, adjustments, disable);
  const { crop } = plan;
  // Pixel-changing steps need a copy; a crop alone is read straight from the original.
  const copied = plan.grayscale || plan.contrast !== undefined;
  const src = copied ? runPlan(image, plan).image : image;
  const startX = copied ? 0 : crop.x;
  const startY = copied ? 0 : crop.y;

  const geo = resizeGeometry(crop.width, crop.height, input);
  const x0 = Math.max(0, geo.padX);
  const x1 = Math.min(W, geo.padX + geo.resizedWidth);
  const y0 = Math.max(0, geo.padY);
  const y1 = Math.min(H, geo.padY + geo.resizedHeight);
  const xs = axisTaps(x0 - geo.padX, x1 - x0, geo.resizedWidth, crop.width, startX, 3);
  const ys = axisTaps(y0 - geo.padY, y1 - y0, geo.resizedHeight, crop.height, startY, src.width * 3);

  const writer = planeWriter(input, out, offset);
  resampleInto(src.data, xs, ys, x0, y0, writer);
  const pad = input.padColor ?? DEFAULT_PAD;
  const padValues = [0, 1, 2].map((s) => pad[s] * writer.mul[s] + writer.add[s]);
  fillPadding(writer.planes, padValues, W, H, x0, x1, y0, y1);

  // An image decoded at reduced size maps back to its full-size source:
  // source = decoded / r, so crop offsets divide by r and the scales multiply by it.
  const rx = image.sourceWidth ? image.width / image.sourceWidth : 1;
  const ry = image.sourceHeight ? image.height / image.sourceHeight : 1;
  return {
    originalWidth: image.sourceWidth ?? image.width,
    originalHeight: image.sourceHeight ?? image.height,
    cropX: crop.x / rx,
    cropY: crop.y / ry,
    cropWidth: crop.width / rx,
    cropHeight: crop.height / ry,
    scaleX: geo.scaleX * rx,
    scaleY: geo.scaleY * ry,
    padX: geo.padX,
    padY: geo.padY,
    inputWidth: W,
    inputHeight: H,
  };
}

/** Output plane and `v * mul + add` for each source channel (R, G, B), honouring `colorOrder`. */
function planeWriter(input: InputSpec, out: Float32Array, offset: number): PlaneWriter {
  const hw = input.width * input.height;
  const scale = input.scale ?? 1 / 255;
  const bgr = input.colorOrder === 'bgr';
  const plane = (s: number) => (bgr ? 2 - s : s);
  const view = (s: number) => out.subarray(offset + plane(s) * hw, offset + (plane(s) + 1) * hw);
  const mul = (s: number) => scale / (input.std?.[plane(s)] ?? 1);
  const add = (s: number) => -(input.mean?.[plane(s)] ?? 0) / (input.std?.[plane(s)] ?? 1);
  return {
    planes: [view(0), view(1), view(2)],
    mul: [mul(0), mul(1), mul(2)],
    add: [add(0), add(1), add(2)],
    width: input.width,
  };
}

/**
 * Preprocesses one image into a fresh NCHW float32 buffer (`3 * height * width`).
 *
 * @example
 * const { data, meta } = preprocess(img, { width: 640, height: 640, resize: 'letterbox' });
 * // 768x576 input: meta.scaleX === 640 / 768, meta.padY === 80, data.length === 1_228_800
 */
export function preprocess(
  image: RgbImage,
  input: InputSpec,
  adjustments?: ImageAdjustments,
  disable?: PreprocessDisable,
): PreprocessedImage {
  validateInputSpec(input);
  const data = new Float32Array(3 * input.width * input.height);
  const meta = preprocessInto(image, input, data, 0, adjustments, disable);
  return { data, meta };
}

/**
 * Preprocesses several images into one NCHW buffer (`N * 3 * height * width`),
 * image `i` at offset `i * 3 * height * width`; `metas[i]` maps it back.
 *
 * @example
 * const { data, metas } = preprocessBatch([a, b], input);
 * // data.length === 2 * 3 * input.height * input.width
 */
export function preprocessBatch(
  images: readonly RgbImage[],
  input: InputSpec,
  adjustments?: ImageAdjustments,
  disable?: PreprocessDisable,
): { data: Float32Array; metas: PreprocessMeta[] } {
  validateInputSpec(input);
  const size = 3 * input.width * input.height;
  const data = new Float32Array(images.length * size);
  const metas = images.map((img, i) => preprocessInto(img, input, data, i * size, adjustments, disable));
  return { data, metas };
}
