#!/usr/bin/env node
/** Worker entry point (scale-out): configuration from the environment only (REDIS_URL or REDIS_HOST/REDIS_PORT, WORKER_MODELS). */
import { optionsFromEnv, workerFromEnv } from './internal/config.js';
import { runWorker } from './internal/distributed/run-worker.js';
import { processesFromEnv, runProcesses } from './internal/scale/processes.js';

// like a server: one worker process per 4 cores by default (SERVER_PROCESSES), each with its share
Promise.resolve()
  .then(() => {
    // a malformed variable is reported like any start failure: one line, exit 1
    const { options } = optionsFromEnv();
    return runProcesses(
      processesFromEnv(),
      () => runWorker({ ...workerFromEnv(), server: options }),
      (l) => process.stderr.write(`${l}\n`),
      'worker',
    );
  })
  .catch((err: unknown) => {
    process.stderr.write(
      `inference worker failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
