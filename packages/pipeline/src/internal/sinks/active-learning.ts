import {
  ActiveLearning,
  type ActiveLearningOptions,
  type PredictionType,
  type WirePrediction,
} from '@inference-ts/active-learning';
import { predictionJson } from './serialize.js';
import { type ClosableSink, forEachFrame, type Sink, withClose } from './types.js';

/** Active learning in a pipeline: an instance (the caller closes it) or options to open one. */
export interface PipelineActiveLearning {
  /** An open instance, or the options of one the sink opens at start and closes at the end. */
  activeLearning: ActiveLearning | ActiveLearningOptions;
  /** The model id the predictions come from (tags; the default target dataset is its first segment). */
  modelId: string;
  /** Roboflow API key (config from the API, the roboflow target). */
  apiKey?: string;
  /** Register into this dataset instead. */
  targetDataset?: string;
  /** At the end, how long to try delivering what is queued before closing (default 10 s; the rest waits in the outbox). */
  flushTimeoutMs?: number;
}

const TASKS = new Set<string>([
  'object-detection',
  'instance-segmentation',
  'keypoint-detection',
  'classification',
]);

/**
 * A sink that offers every frame's prediction to active learning. It only
 * queues (`ActiveLearning.submit`); sampling, encoding and the durable
 * outbox run beside the pipeline, which never waits for the target.
 * Predictions without a Roboflow task (custom logic, OCR) are skipped.
 *
 * @example
 * const sink = activeLearningSink({
 *   activeLearning: { dir: '.al', target: 'dir:./dataset', configFile: 'al.json' },
 *   modelId: 'coco/3',
 * });
 * await InferencePipeline.init({ videoReference: 'in.mp4', model: 'coco/3', onPrediction: sink });
 */
export function activeLearningSink<P = unknown>(o: PipelineActiveLearning): ClosableSink<P> {
  const given = o.activeLearning instanceof ActiveLearning ? o.activeLearning : undefined;
  let al = given;
  let opening: Promise<ActiveLearning> | undefined;
  const open = async () => {
    if (al) return;
    opening ??= ActiveLearning.open(o.activeLearning as ActiveLearningOptions);
    al = await opening;
  };
  const sink: Sink<P> = async (predictions, frames) => {
    if (!al) await open();
    const target = al as ActiveLearning;
    await forEachFrame(predictions, frames, (prediction, frame) => {
      const task = (prediction as { task?: unknown }).task;
      if (typeof task !== 'string' || !TASKS.has(task)) return;
      target.submit({
        image: frame.image,
        prediction: () => predictionJson(prediction) as WirePrediction,
        predictionType: task as PredictionType,
        modelId: o.modelId,
        inferenceId: `${frame.sourceId}:${frame.frameId}`,
        ...(o.apiKey ? { apiKey: o.apiKey } : {}),
        ...(o.targetDataset ? { targetDataset: o.targetDataset } : {}),
      });
    });
  };
  return withClose(
    sink,
    async () => {
      const opened = al ?? (opening ? await opening.catch(() => undefined) : undefined);
      if (!opened) return;
      // what was sampled is in the outbox; try to hand it over before the pipeline reports done
      await opened.flush(o.flushTimeoutMs ?? 10_000).catch(() => undefined);
      if (!given) await opened.close();
    },
    open,
  );
}
