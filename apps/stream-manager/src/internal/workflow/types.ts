import type { Detections, InferenceEngine, RgbImage, VisionModel } from '@inference-ts/core';

/** Roboflow's `WorkflowVideoMetadata` for one frame. */
export interface VideoMetadata {
  video_identifier: string;
  frame_number: number;
  /** ms since epoch (serialised as ISO). */
  frame_timestamp: Date;
  fps: number | null;
  measured_fps: number | null;
  comes_from_video_file: boolean | null;
}

/** An image value flowing through a workflow (an input frame). */
export interface WorkflowImage {
  readonly kind: 'image';
  readonly image: RgbImage;
  readonly parentId: string;
  readonly videoMetadata: VideoMetadata;
}

/** Everything a step may read for one frame: resolved inputs and earlier steps' outputs. */
export interface FrameScope {
  inputs: Record<string, unknown>;
  steps: Record<string, Record<string, unknown>>;
  metadata: VideoMetadata;
}

/** A field of a step: a literal, or a selector read per frame. */
export type FieldValue =
  | { kind: 'literal'; value: unknown }
  | { kind: 'input'; name: string }
  | { kind: 'step'; step: string; output: string };

/** What a block's `create` gets. */
export interface BlockContext {
  engine: InferenceEngine;
  apiKey: string | undefined;
  /** Resolves a field that must be constant for the pipeline (e.g. `model_id`). */
  constant(field: string): unknown;
}

/** A step ready to run: batch in (one scope per frame), one output record per frame. */
export interface StepRunner {
  run(
    scopes: FrameScope[],
    read: (scope: FrameScope, field: string) => unknown,
  ): Promise<Record<string, unknown>[]>;
  dispose?(): void;
}

/** A supported block type (one per `roboflow_core/<name>` family). */
export interface BlockDefinition {
  /** `roboflow_core/...` name without version. */
  name: string;
  /** Accepted versions (`v1`..) and legacy aliases (which mean v1). */
  versions: readonly string[];
  aliases?: readonly string[];
  /** Output names by version. */
  outputs(version: number): readonly string[];
  /** Fields that are checked at compile time: name -> allowed forms. */
  fields(version: number): Record<string, FieldRule>;
  /** Whole-step checks beyond single fields; returns what is wrong. */
  check?(version: number, raw: Record<string, unknown>): string | undefined;
  /** Fields named at run time (e.g. `operations_parameters.<name>`), which must be selectors. */
  dynamicFields?(raw: Record<string, unknown>): Record<string, unknown>;
  create(version: number, step: CompiledStep, context: BlockContext): Promise<StepRunner> | StepRunner;
}

/** How a field may be given. */
export interface FieldRule {
  required?: boolean;
  /** 'selector': literal or any selector; 'input': literal or $inputs only; 'literal': no selectors; 'selectorOnly'. */
  allow: 'selector' | 'input' | 'literal' | 'selectorOnly' | 'inputOnly';
  /** Check of a literal value; returns the expected description when wrong. */
  check?: (v: unknown) => string | undefined;
}

export interface CompiledStep {
  name: string;
  type: string;
  block: BlockDefinition;
  version: number;
  fields: Record<string, FieldValue>;
  /** The raw step JSON (for block-specific structures like operations). */
  raw: Record<string, unknown>;
}

export interface CompiledOutput {
  name: string;
  selector: FieldValue;
  /** `$steps.s.*`. */
  wildcard: boolean;
}

export interface WorkflowInputDecl {
  name: string;
  type: 'image' | 'video_metadata' | 'parameter';
  defaultValue: unknown;
}

export interface CompiledWorkflow {
  inputs: WorkflowInputDecl[];
  /** In execution order (dependencies first). */
  steps: CompiledStep[];
  outputs: CompiledOutput[];
}

/** Detections flowing between steps carry their frame's size and model data in `metadata`. */
export interface DetectionsMeta {
  imageWidth: number;
  imageHeight: number;
  classNames?: readonly string[];
  keypointNames?: readonly string[];
  task?: string;
}

export const detectionsMeta = (d: Detections): Partial<DetectionsMeta> =>
  d.metadata as Partial<DetectionsMeta>;

export type { VisionModel };
