#!/usr/bin/env node
/** Container entry point: configuration from the environment only. */
import { optionsFromEnv } from './config.js';
import { startServer } from './start.js';

const { host, port, options } = optionsFromEnv();
startServer({ host, port, options }).catch((err: unknown) => {
  process.stderr.write(
    `inference server failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
