import { availableParallelism, totalmem } from 'node:os';

/**
 * ONNX Runtime holds a model's weights about three times over per session
 * (initializers, optimised graph, arena), so one session costs roughly this
 * many times its file size.
 */
const SESSION_COST_PER_WEIGHT_BYTE = 3;

/**
 * Throughput sessions an adaptive pool keeps for a model: one per core, but
 * never more than a quarter of the memory can hold, so a large model on a
 * many-core machine does not take the memory of all the others.
 *
 * @example
 * adaptiveSessionCount(12e6);            // yolov8n on 16 cores, 64 GB: 16
 * adaptiveSessionCount(500e6, 64, 8e9);  // a 500 MB model on a small box: 1
 */
export function adaptiveSessionCount(
  weightsBytes: number,
  cores = availableParallelism(),
  memory = totalmem(),
): number {
  const perSession = Math.max(1, weightsBytes * SESSION_COST_PER_WEIGHT_BYTE);
  const byMemory = Math.floor(memory / 4 / perSession);
  return Math.max(1, Math.min(cores, byMemory));
}
