import { type InferOptions, inferOptionsFromWire } from '@inference-ts/core';
import {
  WIRE_CONFIDENCE_SCHEMA,
  WIRE_DETECTION_PROPERTIES,
  WIRE_INSTANCE_SEGMENTATION_PROPERTIES,
  type WireTaskParams,
} from '@inference-ts/sdk/wire';
import type { Command } from 'commander';
import { parseInteger, parseNumber } from '../options.js';

const number = WIRE_CONFIDENCE_SCHEMA.anyOf[0];
const iou = WIRE_DETECTION_PROPERTIES.iou_threshold;
const maskFormats: readonly string[] = WIRE_INSTANCE_SEGMENTATION_PROPERTIES.response_mask_format.enum;

/**
 * The inference-parameter flags: each stands for one wire parameter of the
 * SDK's contract (its range comes from that parameter's JSON schema), and the
 * core's one wire -> InferOptions mapping turns them into options.
 */
const FLAGS = {
  confidence: {
    flags: '-c, --confidence <n>',
    help: 'confidence threshold 0..1 (default 0.4)',
    parse: parseNumber('--confidence', number.minimum, number.maximum),
  },
  iou: {
    flags: '--iou <n>',
    help: 'NMS IoU threshold 0..1 (default 0.3)',
    parse: parseNumber('--iou', iou.minimum, iou.maximum),
  },
  classAgnostic: { flags: '--class-agnostic', help: 'NMS across classes' },
  maxDetections: {
    flags: '--max-detections <n>',
    help: 'maximum detections per image (default 300)',
    parse: parseInteger('--max-detections', WIRE_DETECTION_PROPERTIES.max_detections.minimum),
  },
  maxCandidates: {
    flags: '--max-candidates <n>',
    help: 'maximum candidates before NMS (default 3000)',
    parse: parseInteger('--max-candidates', WIRE_DETECTION_PROPERTIES.max_candidates.minimum),
  },
  classFilter: { flags: '--class-filter <names>', help: 'comma-separated class names to keep' },
  // checked by `maskFormatProblem` when the command runs (a one-line CLI error, as before)
  maskFormat: { flags: '--mask-format <format>', help: 'instance segmentation masks: polygon or rle' },
  autoOrient: { flags: '--no-auto-orient', help: 'do not apply EXIF orientation' },
} as const;

/** A flag of {@link withInferParamOptions}. */
export type InferParamFlag = keyof typeof FLAGS;

/** What commander parses the inference-parameter flags into. */
export interface InferParamValues {
  confidence?: number;
  iou?: number;
  classAgnostic?: boolean;
  maxDetections?: number;
  maxCandidates?: number;
  classFilter?: string;
  maskFormat?: 'polygon' | 'rle';
  /** false with --no-auto-orient. */
  autoOrient?: boolean;
}

/**
 * Declares the given inference-parameter flags on `cmd` (one shared helper for
 * every command that runs a model). `help` overrides a flag's help text.
 */
export function withInferParamOptions(
  cmd: Command,
  flags: readonly InferParamFlag[],
  help: Partial<Record<InferParamFlag, string>> = {},
): Command {
  for (const name of flags) {
    const f = FLAGS[name];
    const text = help[name] ?? f.help;
    if ('parse' in f) cmd.option(f.flags, text, f.parse);
    else cmd.option(f.flags, text);
  }
  return cmd;
}

/** Why `--mask-format` is unusable (a value outside the wire's enum), or undefined. */
export function maskFormatProblem(value: string | undefined): string | undefined {
  if (value === undefined || maskFormats.includes(value)) return undefined;
  return `--mask-format must be ${maskFormats.join(' or ')}, got "${value}"`;
}

/** The parsed flags as the wire's task parameters (the SDK's names). */
export function wireParamsFromFlags(o: InferParamValues): WireTaskParams {
  const p: WireTaskParams = {};
  if (o.confidence !== undefined) p.confidence = o.confidence;
  if (o.iou !== undefined) p.iou_threshold = o.iou;
  if (o.classAgnostic !== undefined) p.class_agnostic_nms = o.classAgnostic;
  if (o.maxDetections !== undefined) p.max_detections = o.maxDetections;
  if (o.maxCandidates !== undefined) p.max_candidates = o.maxCandidates;
  if (o.classFilter !== undefined)
    p.class_filter = o.classFilter
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (o.maskFormat !== undefined) p.response_mask_format = o.maskFormat;
  if (o.autoOrient === false) p.disable_preproc_auto_orient = true;
  return p;
}

/** The parsed flags as core `InferOptions`, through the core's one wire mapping. */
export function inferOptionsFromFlags(o: InferParamValues): InferOptions {
  return inferOptionsFromWire(wireParamsFromFlags(o));
}
