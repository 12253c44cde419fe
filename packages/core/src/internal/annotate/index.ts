export { BoxAnnotator, type BoxAnnotatorOptions } from './box.js';
export { classNameOf } from './class-name.js';
export {
  BLACK,
  type Color,
  type ColorLike,
  type ColorLookup,
  type ColorOptions,
  ColorResolver,
  contrastingTextColor,
  DEFAULT_PALETTE,
  parseHexColor,
  relativeLuminance,
  toColor,
  WHITE,
} from './colors.js';
export {
  type AnnotatedFormat,
  type AnnotateOptions,
  annotateDetections,
  encodeAnnotated,
} from './compose.js';
export {
  blendMask,
  clipSegment,
  drawLine,
  fillCircle,
  fillRect,
  opacityToAlpha,
  strokeRect,
} from './draw.js';
export { drawText, GLYPH_ADVANCE, GLYPH_HEIGHT, GLYPH_WIDTH, measureText, type TextSize } from './font.js';
export { KeypointAnnotator, type KeypointAnnotatorOptions } from './keypoints.js';
export { LabelAnnotator, type LabelAnnotatorOptions } from './label.js';
export { MaskAnnotator, type MaskAnnotatorOptions } from './mask.js';
export { PolygonAnnotator, type PolygonAnnotatorOptions, polygonsOf } from './polygon.js';
export { defaultPointRadius, defaultStrokeWidth, defaultTextScale } from './scale.js';
export { assertRgbImage, drawTarget } from './target.js';
export type { Annotator, AnnotatorOptions } from './types.js';
