import { activeLearningSink } from '../sinks/active-learning.js';
import type { Sink } from '../sinks/types.js';
import type { InferencePipelineOptions } from './options.js';

/**
 * `InferencePipeline.init({ activeLearning })`: the options with an active
 * learning sink added after the given sinks (the model id is the `model`
 * option's id).
 */
export function withActiveLearningSink<P>(options: InferencePipelineOptions<P>): InferencePipelineOptions<P> {
  const al = options.activeLearning;
  if (!al) return options;
  const modelId = al.modelId ?? (typeof options.model === 'string' ? options.model : options.model?.id);
  if (!modelId) return options;
  const given = options.onPrediction;
  const sinks: Sink<P>[] = given === undefined ? [] : typeof given === 'function' ? [given] : [...given];
  sinks.push(activeLearningSink<P>({ ...al, modelId }));
  return { ...options, onPrediction: sinks };
}
