#!/usr/bin/env node
/** Container entry point: configuration from the environment only. */
import { optionsFromEnv } from './internal/config.js';
import { isFirstProcess, processesFromEnv, runProcesses } from './internal/scale/processes.js';
import { startServer } from './internal/start.js';

// SERVER_PROCESSES > 1: that many server processes share the port (node:cluster)
Promise.resolve()
  .then(() => {
    // a malformed variable is reported like any start failure: one line, exit 1
    const { host, port, options } = optionsFromEnv();
    return runProcesses(
      processesFromEnv(),
      () => startServer({ host, port, options, banner: isFirstProcess() }),
      (l) => process.stderr.write(`${l}\n`),
    );
  })
  .catch((err: unknown) => {
    process.stderr.write(
      `inference server failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
