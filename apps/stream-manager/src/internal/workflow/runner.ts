import { Detections, type InferenceEngine } from '@inference-ts/core';
import type { VideoFrame } from '@inference-ts/pipeline';
import { StreamManagerError } from '../errors.js';
import type {
  BlockContext,
  CompiledStep,
  CompiledWorkflow,
  FieldValue,
  FrameScope,
  StepRunner,
  VideoMetadata,
  WorkflowImage,
} from './types.js';

/** What one frame produced: the workflow outputs (raw values) and detections worth drawing. */
export interface FrameResult {
  outputs: Record<string, unknown>;
  preview: Detections | undefined;
}

export interface WorkflowRunnerOptions {
  engine: InferenceEngine;
  apiKey?: string;
  parameters?: Record<string, unknown> | null;
  imageInputName: string;
  videoMetadataInputName: string;
}

/** Roboflow's per-frame `WorkflowVideoMetadata`. */
export function videoMetadataOf(frame: VideoFrame): VideoMetadata {
  return {
    video_identifier: String(frame.sourceId),
    frame_number: frame.frameId,
    frame_timestamp: new Date(frame.frameTimestamp),
    fps: frame.fps > 0 ? frame.fps : null,
    measured_fps: frame.measuredFps ?? null,
    comes_from_video_file: frame.isFile ?? null,
  };
}

function resolve(f: FieldValue | undefined, scope: FrameScope): unknown {
  if (!f) return undefined;
  if (f.kind === 'literal') return f.value;
  if (f.kind === 'input') return scope.inputs[f.name];
  const outs = scope.steps[f.step];
  return f.output === '*' ? outs : outs?.[f.output];
}

/**
 * Runs a compiled workflow over batches of frames: each step once per batch (model
 * steps make one batched model call), in dependency order. Values stay as objects
 * (Detections, images); they become JSON only when consumed.
 */
export class WorkflowRunner {
  readonly #workflow: CompiledWorkflow;
  readonly #runners: StepRunner[];
  readonly #constants: Record<string, unknown>;
  readonly #imageInput: string;

  private constructor(
    workflow: CompiledWorkflow,
    runners: StepRunner[],
    constants: Record<string, unknown>,
    imageInput: string,
  ) {
    this.#workflow = workflow;
    this.#runners = runners;
    this.#constants = constants;
    this.#imageInput = imageInput;
  }

  /**
   * Binds parameters, checks the frame inputs and creates every step (loading models).
   * @throws StreamManagerError `STREAM_ERR_INVALID_WORKFLOW` for inputs the pipeline cannot feed.
   */
  static async create(workflow: CompiledWorkflow, options: WorkflowRunnerOptions): Promise<WorkflowRunner> {
    const images = workflow.inputs.filter((i) => i.type === 'image');
    if (images.length > 1 || (images.length === 1 && images[0].name !== options.imageInputName)) {
      throw new StreamManagerError(
        'STREAM_ERR_INVALID_WORKFLOW',
        `Provided workflow configuration is not valid. The workflow's image input must be the one named by image_input_name ("${options.imageInputName}"); it declares ${images.map((i) => `"${i.name}"`).join(', ')}.`,
      );
    }
    const constants: Record<string, unknown> = {};
    for (const input of workflow.inputs) {
      if (input.type !== 'parameter') continue;
      const given = options.parameters?.[input.name];
      constants[input.name] = given !== undefined ? given : input.defaultValue;
    }
    const runners: StepRunner[] = [];
    try {
      for (const step of workflow.steps) {
        const context: BlockContext = {
          engine: options.engine,
          apiKey: options.apiKey,
          constant: (field) => {
            const f = step.fields[field];
            if (!f) return undefined;
            if (f.kind === 'literal') return f.value;
            if (f.kind === 'input') return constants[f.name];
            throw new StreamManagerError(
              'STREAM_ERR_INVALID_WORKFLOW',
              `Provided workflow configuration is not valid. Step "${step.name}" field \`${field}\` must be a literal or an $inputs selector.`,
            );
          },
        };
        runners.push(await step.block.create(step.version, step, context));
      }
    } catch (e) {
      for (const r of runners) r.dispose?.();
      throw e;
    }
    return new WorkflowRunner(workflow, runners, constants, options.imageInputName);
  }

  /** Runs the workflow on one batch (one frame per source present). */
  async run(frames: VideoFrame[]): Promise<FrameResult[]> {
    const scopes: FrameScope[] = frames.map((frame) => {
      const metadata = videoMetadataOf(frame);
      const inputs: Record<string, unknown> = { ...this.#constants };
      for (const input of this.#workflow.inputs) {
        if (input.type === 'video_metadata') inputs[input.name] = metadata;
      }
      const image: WorkflowImage = {
        kind: 'image',
        image: frame.image,
        parentId: this.#imageInput,
        videoMetadata: metadata,
      };
      inputs[this.#imageInput] = image;
      return { inputs, steps: {}, metadata };
    });
    const steps = this.#workflow.steps;
    for (let k = 0; k < steps.length; k++) {
      const step: CompiledStep = steps[k];
      const outputs = await this.#runners[k].run(scopes, (scope, field) =>
        resolve(step.fields[field], scope),
      );
      scopes.forEach((scope, i) => {
        scope.steps[step.name] = outputs[i];
      });
    }
    return scopes.map((scope) => {
      const outputs: Record<string, unknown> = {};
      for (const o of this.#workflow.outputs) outputs[o.name] = resolve(o.selector, scope);
      let preview: Detections | undefined;
      for (let k = steps.length - 1; k >= 0 && !preview; k--) {
        const values = Object.values(scope.steps[steps[k].name] ?? {});
        preview = values.find((v): v is Detections => v instanceof Detections);
      }
      return { outputs, preview };
    });
  }

  dispose(): void {
    for (const r of this.#runners) r.dispose?.();
  }
}
