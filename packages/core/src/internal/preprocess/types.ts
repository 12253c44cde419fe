/**
 * How a network-input pixel maps back to the original image:
 * `xOriginal = (xModel - padX) / scaleX + cropX` (likewise for y).
 * Static crop, resize, letterbox padding and centre crop (negative pad) all
 * fit this one affine form.
 */
export interface PreprocessMeta {
  /** Size of the image as loaded (after EXIF orientation), before any crop. */
  originalWidth: number;
  originalHeight: number;
  /** Static-crop offset and size in original pixels (0, 0, original size when none). */
  cropX: number;
  cropY: number;
  cropWidth: number;
  cropHeight: number;
  /** Network pixels per cropped-image pixel. */
  scaleX: number;
  scaleY: number;
  /** Network pixels of padding before the image (negative for centre crop). */
  padX: number;
  padY: number;
  /** Network input size. */
  inputWidth: number;
  inputHeight: number;
}

/** One preprocessed image: NCHW float32 for batch 1 (`data.length === 3 * inputHeight * inputWidth`). */
export interface PreprocessedImage {
  data: Float32Array;
  meta: PreprocessMeta;
}

/**
 * Switches that skip `environment.json` adjustments for one request; they
 * mirror Roboflow's `disable_preproc_static_crop`, `disable_preproc_grayscale`
 * and `disable_preproc_contrast` request flags.
 */
export interface PreprocessDisable {
  staticCrop?: boolean;
  grayscale?: boolean;
  contrast?: boolean;
}
