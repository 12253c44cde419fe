/** `@inference-ts/core/annotate`: draw results and detections on images. */
export { BoxAnnotator, type BoxAnnotatorOptions } from '../annotate/box.js';
export {
  type Color,
  type ColorLike,
  contrastingTextColor,
  DEFAULT_PALETTE,
  parseHexColor,
  toColor,
} from '../annotate/colors.js';
export {
  type AnnotatedFormat,
  type AnnotateOptions,
  annotateDetections,
  encodeAnnotated,
} from '../annotate/compose.js';
export { blendMask, drawLine, fillCircle, fillRect, strokeRect } from '../annotate/draw.js';
export { drawText, measureText, type TextSize } from '../annotate/font.js';
export { KeypointAnnotator, type KeypointAnnotatorOptions } from '../annotate/keypoints.js';
export { LabelAnnotator, type LabelAnnotatorOptions } from '../annotate/label.js';
export { MaskAnnotator, type MaskAnnotatorOptions } from '../annotate/mask.js';
export { PolygonAnnotator, type PolygonAnnotatorOptions } from '../annotate/polygon.js';
export { defaultPointRadius, defaultStrokeWidth, defaultTextScale } from '../annotate/scale.js';
export { drawTarget } from '../annotate/target.js';
export type { Annotator, AnnotatorOptions } from '../annotate/types.js';
export { type AnnotateResultOptions, annotateResult, annotateResultImage } from '../tasks/annotate-result.js';
