#!/usr/bin/env node
/** Worker entry point (scale-out): configuration from the environment only (REDIS_URL or REDIS_HOST/REDIS_PORT, WORKER_MODELS). */
import { optionsFromEnv, workerFromEnv } from './internal/config.js';
import { runWorker } from './internal/distributed/run-worker.js';

const { options } = optionsFromEnv();
runWorker({ ...workerFromEnv(), server: options }).catch((err: unknown) => {
  process.stderr.write(
    `inference worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
