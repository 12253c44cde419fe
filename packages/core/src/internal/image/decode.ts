import sharp from 'sharp';
import { ImageInputError } from '../errors.js';
import { decodeBmp } from './bmp.js';
import { type ResolvedImageLoadOptions, resolveImageLoadOptions } from './limits.js';
import { type DecodePlan, planDecode } from './plan.js';
import { imageFromSharpRaw } from './raw.js';
import { type EncodedImageFormat, sniffImageFormat } from './signature.js';
import type { ImageLoadOptions, RgbImage } from './types.js';

/** Throws the byte-limit error when `length` exceeds `maxBytes`. */
export function assertByteLimit(length: number, maxBytes: number, what = 'image'): void {
  if (length > maxBytes) {
    throw new ImageInputError(
      'CORE_ERR_IMAGE_TOO_LARGE',
      `The ${what} has ${length} bytes; the limit is ${maxBytes}`,
    );
  }
}

function sharpFailure(err: unknown, maxPixels: number): ImageInputError {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    return new ImageInputError(
      'CORE_ERR_IMAGE_TOO_LARGE',
      `The image exceeds the limit of ${maxPixels} pixels`,
      {
        cause: err,
      },
    );
  }
  return new ImageInputError(
    'CORE_ERR_IMAGE_DECODE',
    `The image cannot be decoded: ${message.split('\n')[0]}`,
    {
      cause: err,
    },
  );
}

/**
 * Decodes encoded image bytes (JPEG, PNG, WebP, GIF first frame, TIFF, BMP,
 * AVIF) to interleaved RGB. EXIF orientation is applied unless
 * `autoOrient === false`; alpha is dropped without blending and greyscale is
 * widened to 3 channels, matching OpenCV's `imdecode(..., IMREAD_COLOR)`.
 * @example const { width, height } = await decodeImageBytes(readFileSync('dog.jpg')); // 768, 576
 */
export async function decodeImageBytes(bytes: Uint8Array, options?: ImageLoadOptions): Promise<RgbImage> {
  return decodeWithOptions(bytes, resolveImageLoadOptions(options));
}

/** Checks encoded bytes (not empty, within the byte limit, a supported format) and names the format. */
export function encodedFormat(bytes: Uint8Array, opts: ResolvedImageLoadOptions): EncodedImageFormat {
  if (bytes.length === 0) throw new ImageInputError('CORE_ERR_IMAGE_EMPTY', 'The image bytes are empty');
  assertByteLimit(bytes.length, opts.maxBytes);
  const format = sniffImageFormat(bytes);
  if (format === undefined) {
    throw new ImageInputError('CORE_ERR_IMAGE_DECODE', 'The bytes are not a supported image format');
  }
  return format;
}

/** `decodeImageBytes` with options already resolved (internal: `loadImage` resolves once per call). */
export async function decodeWithOptions(
  bytes: Uint8Array,
  opts: ResolvedImageLoadOptions,
): Promise<RgbImage> {
  const format = encodedFormat(bytes, opts);
  if (format === 'bmp') return decodeBmp(bytes, opts.maxPixels);
  // the header is read first only when a reduced decode may apply (it costs a metadata call)
  const plan = opts.decodeHint ? await planDecode(bytes, format, opts) : { format };
  return decodePlanned(bytes, plan, opts);
}

/** Decodes bytes whose format and size `planDecode` has settled (`plan.resize`: straight to that size). */
export async function decodePlanned(
  bytes: Uint8Array,
  plan: DecodePlan,
  opts: ResolvedImageLoadOptions,
): Promise<RgbImage> {
  const format = plan.format;
  if (format === 'bmp') return decodeBmp(bytes, opts.maxPixels);
  const shrink = plan.resize;
  try {
    let pipeline = sharp(bytes, {
      // 'truncated' rejects cut-off files that 'none' would half-decode, yet
      // tolerates the harmless warnings (e.g. trailing bytes) that OpenCV accepts.
      failOn: 'truncated',
      // 0 would mean "no limit" to sharp, hence the floor of 1.
      limitInputPixels: Math.max(1, Math.min(Math.floor(opts.maxPixels), Number.MAX_SAFE_INTEGER)),
      autoOrient: opts.autoOrient,
      // Embedded ICC profiles are not applied, as OpenCV (Roboflow's decoder) does
      // not apply them: the model sees the pixels it was trained on, and the
      // colour transform would double the decode time (5 ms on a 768x576 JPEG).
      ignoreIcc: true,
    });
    if (shrink) {
      // JPEG: exactly libjpeg's scaled size, so the shrink happens in the decoder and nothing is
      // resampled after it; other formats: a box shrink fed line by line by the decoder
      pipeline = pipeline.resize(shrink.width, shrink.height, { fit: 'fill', fastShrinkOnLoad: true });
    }
    const raw = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const image = imageFromSharpRaw(raw);
    return shrink ? { ...image, sourceWidth: shrink.sourceWidth, sourceHeight: shrink.sourceHeight } : image;
  } catch (err) {
    // HEVC-coded HEIF (iPhone photos) needs a decoder libvips' prebuilt binaries leave out; its errors ("bad seek") say nothing useful
    if (format === 'heif' && !/pixel limit/i.test(String((err as Error)?.message))) {
      throw new ImageInputError(
        'CORE_ERR_IMAGE_UNSUPPORTED',
        'HEIC is not supported: this HEIC/HEIF image cannot be decoded here; convert it to JPEG or PNG',
        { cause: err },
      );
    }
    throw sharpFailure(err, opts.maxPixels);
  }
}
