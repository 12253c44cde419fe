import { InferenceError } from '../errors.js';
import type { RgbImage } from '../image/types.js';
import type { InputSpec } from '../manifest/types.js';

/** Where the scaled image lands in the network input. */
export interface ResizeGeometry {
  /** Size of the scaled image in network pixels, before padding or cropping. */
  resizedWidth: number;
  resizedHeight: number;
  /** Network pixels per source pixel (`resizedWidth / srcWidth`). */
  scaleX: number;
  scaleY: number;
  /** Offset of the scaled image in the network input (negative for centre crop). */
  padX: number;
  padY: number;
}

/** Python's `round()` (half to even), so sizes match the reference Python code bit for bit. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Computes how a `srcWidth x srcHeight` image is placed in the network input.
 *
 * - `stretch`: both axes scaled independently to the input size.
 * - `letterbox` + `center` (Ultralytics): scale `min(W/w, H/h)`, scaled size
 *   `round(w * s)` (Python rounding), padding `floor(dw / 2)` before the image
 *   and the rest after — identical to Ultralytics' `round(dw / 2 - 0.1)`.
 * - `letterbox` + `top-left` (YOLOX): scaled size `floor(w * s)`, image at (0, 0).
 * - `fit-longer-edge`: like letterbox, `round(w * s)`, image at (0, 0).
 * - `center-crop`: scale `max(W/w, H/h)`, `round(w * s)`, centre kept; the
 *   negative pad is `-floor(overflow / 2)`.
 *
 * Scales are the ratio of the integer scaled size to the source size, which is
 * exactly what the resampler uses, so mapping back is consistent with the pixels.
 *
 * @example
 * resizeGeometry(768, 576, { width: 640, height: 640, resize: 'letterbox' });
 * // { resizedWidth: 640, resizedHeight: 480, scaleX: 0.8333…, scaleY: 0.8333…, padX: 0, padY: 80 }
 */
export function resizeGeometry(srcWidth: number, srcHeight: number, input: InputSpec): ResizeGeometry {
  const W = input.width;
  const H = input.height;
  let rw: number;
  let rh: number;
  let padX = 0;
  let padY = 0;
  switch (input.resize) {
    case 'stretch':
      rw = W;
      rh = H;
      break;
    case 'letterbox':
    case 'fit-longer-edge': {
      const s = Math.min(W / srcWidth, H / srcHeight);
      const topLeft = input.resize === 'fit-longer-edge' || input.padAlign === 'top-left';
      if (input.resize === 'letterbox' && input.padAlign === 'top-left') {
        rw = Math.floor(srcWidth * s);
        rh = Math.floor(srcHeight * s);
      } else {
        rw = roundHalfEven(srcWidth * s);
        rh = roundHalfEven(srcHeight * s);
      }
      rw = Math.min(W, Math.max(1, rw));
      rh = Math.min(H, Math.max(1, rh));
      if (!topLeft) {
        padX = Math.floor((W - rw) / 2);
        padY = Math.floor((H - rh) / 2);
      }
      break;
    }
    case 'center-crop': {
      const s = Math.max(W / srcWidth, H / srcHeight);
      rw = Math.max(W, roundHalfEven(srcWidth * s));
      rh = Math.max(H, roundHalfEven(srcHeight * s));
      // -floor(overflow / 2), written so a zero overflow gives +0 rather than -0
      padX = Math.ceil((W - rw) / 2);
      padY = Math.ceil((H - rh) / 2);
      break;
    }
    default:
      throw new InferenceError('CORE_ERR_PREPROCESS', `unknown resize mode: ${String(input.resize)}`);
  }
  return { resizedWidth: rw, resizedHeight: rh, scaleX: rw / srcWidth, scaleY: rh / srcHeight, padX, padY };
}

const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isTriple = (v: unknown): boolean =>
  Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Throws `CORE_ERR_PREPROCESS` when the input spec cannot be used. */
export function validateInputSpec(input: InputSpec): void {
  const bad = (why: string): never => {
    throw new InferenceError('CORE_ERR_PREPROCESS', `invalid model input spec: ${why}`);
  };
  if (!isPosInt(input.width) || !isPosInt(input.height)) bad('width and height must be positive integers');
  if (input.padColor !== undefined && !isTriple(input.padColor)) bad('padColor must be 3 numbers');
  if (input.mean !== undefined && !isTriple(input.mean)) bad('mean must be 3 numbers');
  if (input.std !== undefined && (!isTriple(input.std) || input.std.some((s) => s === 0))) {
    bad('std must be 3 non-zero numbers');
  }
  if (input.scale !== undefined && !Number.isFinite(input.scale)) bad('scale must be a finite number');
  if (input.colorOrder !== undefined && input.colorOrder !== 'rgb' && input.colorOrder !== 'bgr') {
    bad(`colorOrder must be 'rgb' or 'bgr'`);
  }
}

/** Throws when an `RgbImage` is empty or its data length does not match its size. */
export function validateImage(image: RgbImage): void {
  if (image.width === 0 || image.height === 0 || image.data.length === 0) {
    throw new InferenceError('CORE_ERR_IMAGE_EMPTY', 'cannot preprocess an empty image');
  }
  if (
    !isPosInt(image.width) ||
    !isPosInt(image.height) ||
    image.data.length !== image.width * image.height * 3
  ) {
    throw new InferenceError(
      'CORE_ERR_PREPROCESS',
      `image data length ${image.data.length} does not match ${image.width}x${image.height}x3`,
    );
  }
}
