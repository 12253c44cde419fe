export { TextDirectionClassifier, type TextDirectionClassifierOptions } from './cls.js';
export { type CtcDecoded, ctcGreedyDecode } from './ctc.js';
export { type DbBox, type DbOptions, dbBoxes } from './db-postprocess.js';
export { detInputSize, TextDetector, type TextDetectorOptions, type TextRegion } from './det.js';
export { loadCtcAlphabet } from './dictionary.js';
export { classifyTextDirection, OcrModel } from './ocr.js';
export { type OcrModelPaths, ocrModelPaths } from './paths.js';
export { readingOrder } from './reading-order.js';
export { TextRecognizer, type TextRecognizerOptions } from './rec.js';
export { cropQuad, fullImageQuad, quadSize, rotateQuad } from './sampling.js';
export type {
  OcrLine,
  OcrLoadOptions,
  OcrRecognizeOptions,
  OcrResult,
  OcrTimings,
  Quad,
  TextDirection,
  TextDirectionResult,
} from './types.js';
