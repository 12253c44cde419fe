import type { ModelDescription } from '@inference-ts/core';
import { Gauge, Histogram, type Registry } from 'prom-client';

/** Session-call sizes: 1 when nothing was batched, up to MAX_BATCH_SIZE. */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64];

/**
 * Dynamic-batching metrics: `inference_batch_size` (images per session call,
 * per model) and `inference_model_mode` (1 for the mode each loaded model is
 * served in: `batching` or `sessions`).
 */
export function batchMetrics(registry: Registry, loaded: () => ModelDescription[]): Histogram<'model'> {
  new Gauge({
    name: 'inference_model_mode',
    help: 'How each loaded model serves concurrent calls: batching (stacked into one session call) or sessions (one per session).',
    labelNames: ['model', 'mode'],
    registers: [registry],
    // 1 per mode, whichever of the SERVER_PROCESSES holds the model
    aggregator: 'max',
    collect() {
      this.reset();
      for (const m of loaded()) this.set({ model: m.id, mode: m.mode }, 1);
    },
  });
  return new Histogram({
    name: 'inference_batch_size',
    help: 'Images per ONNX Runtime session call, per model (dynamic batching).',
    labelNames: ['model'],
    buckets: BATCH_BUCKETS,
    registers: [registry],
  });
}
