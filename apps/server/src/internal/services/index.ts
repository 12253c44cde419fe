import type { InferenceEngine } from '@inference-ts/core';
import type { RemoteInference } from '../distributed/front.js';
import type { ResolvedServerOptions } from '../options.js';
import type { ServerActiveLearning } from './active-learning.js';
import type { ServerMetrics } from './metrics.js';
import type { ModelService } from './models.js';
import type { PixelBudget } from './pixel-budget.js';
import type { QueueSet } from './queue.js';

/** Shared services, decorated on the root instance as `app.services`. */
export interface Services {
  options: ResolvedServerOptions;
  engine: InferenceEngine;
  models: ModelService;
  queues: QueueSet;
  /** Server-wide bound on decoded pixels in memory. */
  pixels: PixelBudget;
  metrics: ServerMetrics;
  /** Set when shutdown begins: readiness turns 503 and new inference requests are refused. */
  state: { shuttingDown: boolean };
  /** Server instance id (`/info` uuid). */
  uuid: string;
  /** On a scale-out front (`--redis`): inference goes to the workers through Redis instead of the local engine. */
  remote?: RemoteInference;
  /** Active learning, when enabled: requests offer their results to it after answering. */
  activeLearning?: ServerActiveLearning;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

export { ServerMetrics, type Stage } from './metrics.js';
export { ModelService } from './models.js';
export { PixelBudget } from './pixel-budget.js';
export { ModelQueue, QueueSet, type Ticket } from './queue.js';
