#!/usr/bin/env node
/**
 * `inference-stream-manager`: runs the manager with settings from the environment
 * (see config.ts). When started by another process with an IPC channel (the server),
 * it exits as soon as that parent goes, taking its pipelines with it.
 */
import { startStreamManager } from './internal/main.js';

startStreamManager().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
