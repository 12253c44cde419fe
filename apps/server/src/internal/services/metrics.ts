import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PixelBudget } from './pixel-budget.js';
import type { QueueSet } from './queue.js';

/** Stages of one inference request, as the `stage` label of `inference_stage_duration_seconds`. */
export type Stage = 'queue' | 'decode' | 'preprocess' | 'infer' | 'postprocess' | 'serialize';

// Millisecond-range stages and multi-second loads share one bucket set.
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The server's Prometheus metrics, in a registry of its own (several servers
 * in one process do not collide): request and error counts per route and
 * model, per-stage durations, queue depth, model loads.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'model' | 'status'>;
  readonly errors: Counter<'route' | 'model' | 'status' | 'code'>;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly stages: Histogram<'stage' | 'model'>;
  readonly modelLoads: Histogram<'model' | 'outcome'>;

  constructor(queues: QueueSet, loadedModels: () => number, pixels?: PixelBudget) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'inference_requests_total',
      help: 'HTTP requests by route template, model and status.',
      labelNames: ['method', 'route', 'model', 'status'],
      registers,
    });
    this.errors = new Counter({
      name: 'inference_request_errors_total',
      help: 'Requests answered with status >= 400, by route, model, status and error code.',
      labelNames: ['route', 'model', 'status', 'code'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'inference_request_duration_seconds',
      help: 'Time from request arrival to response, by route.',
      labelNames: ['method', 'route', 'status'],
      buckets: BUCKETS,
      registers,
    });
    this.stages = new Histogram({
      name: 'inference_stage_duration_seconds',
      help: 'Per-image time in each stage: queue, decode, preprocess, infer, postprocess, serialize.',
      labelNames: ['stage', 'model'],
      buckets: BUCKETS,
      registers,
    });
    this.modelLoads = new Histogram({
      name: 'inference_model_load_seconds',
      help: 'Model load durations (cold starts), by outcome.',
      labelNames: ['model', 'outcome'],
      buckets: BUCKETS,
      registers,
    });
    new Gauge({
      name: 'inference_queue_requests',
      help: 'Requests admitted per model, by state (running, waiting).',
      labelNames: ['model', 'state'],
      registers,
      collect() {
        this.reset();
        for (const [model, q] of queues.entries()) {
          this.set({ model, state: 'running' }, q.running);
          this.set({ model, state: 'waiting' }, q.waiting);
        }
      },
    });
    new Gauge({
      name: 'inference_models_loaded',
      help: 'Models currently loaded.',
      registers,
      // SERVER_PROCESSES=N: each process loads its own copy; the largest count is the closest to distinct models
      aggregator: 'max',
      collect() {
        this.set(loadedModels());
      },
    });
    if (pixels) {
      new Gauge({
        name: 'inference_decoded_pixels',
        help: 'Decoded-pixel budget: pixels held by requests (in_use), the bound (capacity), requests waiting for room (waiting).',
        labelNames: ['state'],
        registers,
        collect() {
          this.set({ state: 'in_use' }, pixels.inUse);
          this.set({ state: 'capacity' }, pixels.capacity);
          this.set({ state: 'waiting' }, pixels.waiting);
        },
      });
    }
    collectDefaultMetrics({ register: this.registry });
  }

  /** Record one stage duration given in milliseconds. */
  stage(stage: Stage, model: string, ms: number): void {
    this.stages.observe({ stage, model }, ms / 1000);
  }
}
