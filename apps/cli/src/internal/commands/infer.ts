import { writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { annotateResult, type InferOptions } from '@inference-ts/core';
import type { Command } from 'commander';
import { engineFromOptions } from '../engine.js';
import { ensureDir } from '../ensure-dir.js';
import { CliError } from '../errors.js';
import { withExamples } from '../help.js';
import type { EngineCliOptions } from '../options.js';
import { withEngineOptions } from './common.js';
import {
  type InferParamValues,
  inferOptionsFromFlags,
  maskFormatProblem,
  withInferParamOptions,
} from './infer-params.js';

/** How `infer` prints each result: `json` adds the image's `source`; `roboflow` is the bare response. */
const FORMATS = ['json', 'roboflow'] as const;
type InferFormat = (typeof FORMATS)[number];

/** An inline image (base64 or data URL) is named by its position, not by its bytes. */
const isInline = (image: string) => /^data:/.test(image) || image.length > 512;

/** What the user passed, as the `source` field: the path or URL, or `base64 #n` for inline data. */
export function sourceLabel(image: string, index: number): string {
  return isInline(image) ? `base64 #${index + 1}` : image;
}

/** `<dir>/<stem>.jpg`, with `-2`, `-3`, ... when two inputs share a stem (a/dog.jpg, b/dog.jpg). */
function annotatedPath(dir: string, image: string, index: number, used: Set<string>): string {
  const stem = isInline(image) || /^https?:/.test(image) ? `image-${index}` : basename(image, extname(image));
  let name = `${stem}.jpg`;
  for (let n = 2; used.has(name); n++) name = `${stem}-${n}.jpg`;
  used.add(name);
  return join(dir, name);
}

interface InferCliOptions extends EngineCliOptions, InferParamValues {
  model: string;
  annotate?: string;
  pretty?: boolean;
  format: string;
}

export function registerInfer(program: Command): void {
  const cmd = program
    .command('infer')
    .description('run a model on images and print one JSON result per image')
    .argument('<images...>', 'image files, URLs or base64 strings')
    .requiredOption(
      '-m, --model <id>',
      'model id (dataset/version), alias, directory, .onnx file or https URL',
    );
  withInferParamOptions(cmd, [
    'confidence',
    'iou',
    'classAgnostic',
    'maxDetections',
    'maxCandidates',
    'classFilter',
    'maskFormat',
    'autoOrient',
  ])
    .option(
      '-a, --annotate <dir>',
      'also write annotated images into this directory (each written path is printed on stderr)',
    )
    .option(
      '--format <format>',
      'json: Roboflow\'s response plus the image\'s "source"; roboflow: the response alone',
      'json',
    )
    .option('--pretty', 'indent the JSON');
  withEngineOptions(cmd);
  withExamples(cmd, [
    ['infer -m ./yolov8n.onnx dog.jpg horses.jpg', 'one JSON line per image, with its "source"'],
    [
      'infer -m coco/3 --api-key $KEY dog.jpg --annotate out/',
      'a Roboflow model; boxes drawn into out/dog.jpg',
    ],
  ]);
  cmd.action(async (images: string[], o: InferCliOptions) => {
    if (!(FORMATS as readonly string[]).includes(o.format)) {
      throw new CliError(`--format must be ${FORMATS.join(' or ')}, got "${o.format}"`);
    }
    const format = o.format as InferFormat;
    // before the model loads: an unusable folder fails at once, not after the first image
    const annotateDir = o.annotate ? await ensureDir(o.annotate, '--annotate folder') : undefined;
    const engine = engineFromOptions(o);
    try {
      const model = await engine.getModel(o.model);
      const options: InferOptions = inferOptionsFromFlags(o);
      const badMaskFormat = maskFormatProblem(o.maskFormat);
      if (badMaskFormat) throw new CliError(badMaskFormat);
      const used = new Set<string>();
      for (const [i, image] of images.entries()) {
        const result = await model.infer(image, options);
        const line = format === 'json' ? { source: sourceLabel(image, i), ...result.toJSON() } : result;
        process.stdout.write(`${JSON.stringify(line, null, o.pretty ? 2 : undefined)}\n`);
        if (annotateDir) {
          const jpeg = await annotateResult(image, result, { format: 'jpeg', colors: model.manifest.colors });
          const path = annotatedPath(annotateDir, image, i, used);
          await writeFile(path, jpeg);
          // stderr: stdout stays one JSON document per line
          process.stderr.write(`annotated ${sourceLabel(image, i)} -> ${path}\n`);
        }
      }
    } finally {
      await engine.dispose();
    }
  });
}
