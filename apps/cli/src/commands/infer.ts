import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { annotateResult, type InferOptions } from '@inference-ts/core';
import type { Command } from 'commander';
import { engineFromOptions } from '../engine.js';
import { CliError } from '../errors.js';
import { type EngineCliOptions, parseInteger, parseNumber } from '../options.js';
import { withEngineOptions } from './common.js';

interface InferCliOptions extends EngineCliOptions {
  model: string;
  confidence?: number;
  iou?: number;
  classAgnostic?: boolean;
  maxDetections?: number;
  maxCandidates?: number;
  classFilter?: string;
  maskFormat?: 'polygon' | 'rle';
  annotate?: string;
  pretty?: boolean;
  noAutoOrient?: boolean;
}

export function registerInfer(program: Command): void {
  const cmd = program
    .command('infer')
    .description('run a model on images and print one JSON result per image')
    .argument('<images...>', 'image files, URLs or base64 strings')
    .requiredOption(
      '-m, --model <id>',
      'model id (dataset/version), alias, directory, .onnx file or https URL',
    )
    .option(
      '-c, --confidence <n>',
      'confidence threshold 0..1 (default 0.4)',
      parseNumber('--confidence', 0, 1),
    )
    .option('--iou <n>', 'NMS IoU threshold 0..1 (default 0.3)', parseNumber('--iou', 0, 1))
    .option('--class-agnostic', 'NMS across classes')
    .option(
      '--max-detections <n>',
      'maximum detections per image (default 300)',
      parseInteger('--max-detections', 1),
    )
    .option(
      '--max-candidates <n>',
      'maximum candidates before NMS (default 3000)',
      parseInteger('--max-candidates', 1),
    )
    .option('--class-filter <names>', 'comma-separated class names to keep')
    .option('--mask-format <format>', 'instance segmentation masks: polygon or rle')
    .option('--no-auto-orient', 'do not apply EXIF orientation')
    .option('-a, --annotate <dir>', 'also write annotated images into this directory')
    .option('--pretty', 'indent the JSON');
  withEngineOptions(cmd).action(async (images: string[], o: InferCliOptions) => {
    const engine = engineFromOptions(o);
    try {
      const model = await engine.getModel(o.model);
      const options: InferOptions = {
        confidence: o.confidence,
        iouThreshold: o.iou,
        classAgnosticNms: o.classAgnostic,
        maxDetections: o.maxDetections,
        maxCandidates: o.maxCandidates,
        classFilter: o.classFilter
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        maskFormat: o.maskFormat,
        disablePreprocAutoOrient: o.noAutoOrient === true ? true : undefined,
      };
      if (o.maskFormat && o.maskFormat !== 'polygon' && o.maskFormat !== 'rle') {
        throw new CliError(`--mask-format must be polygon or rle, got "${o.maskFormat}"`);
      }
      if (o.annotate) await mkdir(o.annotate, { recursive: true });
      for (const [i, image] of images.entries()) {
        const result = await model.infer(image, options);
        process.stdout.write(`${JSON.stringify(result, null, o.pretty ? 2 : undefined)}\n`);
        if (o.annotate) {
          const jpeg = await annotateResult(image, result, { format: 'jpeg', colors: model.manifest.colors });
          const name =
            /^https?:|^data:/.test(image) || image.length > 512
              ? `image-${i}`
              : basename(image, extname(image));
          await writeFile(join(o.annotate, `${name}.jpg`), jpeg);
        }
      }
    } finally {
      await engine.dispose();
    }
  });
}
