/** `@inference-ts/core/annotate`: draw results and detections on images. */
export { BoxAnnotator, type BoxAnnotatorOptions } from './internal/annotate/box.js';
export {
  type Color,
  type ColorLike,
  contrastingTextColor,
  DEFAULT_PALETTE,
  parseHexColor,
  toColor,
} from './internal/annotate/colors.js';
export {
  type AnnotatedFormat,
  type AnnotateOptions,
  annotateDetections,
  encodeAnnotated,
} from './internal/annotate/compose.js';
export { blendMask, drawLine, fillCircle, fillRect, strokeRect } from './internal/annotate/draw.js';
export { drawText, measureText, type TextSize } from './internal/annotate/font.js';
export { KeypointAnnotator, type KeypointAnnotatorOptions } from './internal/annotate/keypoints.js';
export { LabelAnnotator, type LabelAnnotatorOptions } from './internal/annotate/label.js';
export { MaskAnnotator, type MaskAnnotatorOptions } from './internal/annotate/mask.js';
export { PolygonAnnotator, type PolygonAnnotatorOptions } from './internal/annotate/polygon.js';
export { defaultPointRadius, defaultStrokeWidth, defaultTextScale } from './internal/annotate/scale.js';
export { drawTarget } from './internal/annotate/target.js';
export type { Annotator, AnnotatorOptions } from './internal/annotate/types.js';
export {
  type AnnotateResultOptions,
  annotateResult,
  annotateResultImage,
} from './internal/tasks/annotate-result.js';
