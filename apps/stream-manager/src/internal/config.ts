import { homedir } from 'node:os';
import { join } from 'node:path';
import type { StreamManagerOptions } from './manager.js';

export interface StreamManagerConfig {
  host: string;
  port: number;
  options: StreamManagerOptions;
}

const num = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a number >= 0, got ${JSON.stringify(v)}`);
  return n;
};

/**
 * Settings from the environment (Roboflow's names where they exist):
 * STREAM_MANAGER_HOST (127.0.0.1), STREAM_MANAGER_PORT (7070), STREAM_MANAGER_MAX_RAM_MB,
 * STREAM_API_PRELOADED_PROCESSES (0); ours: STREAM_MANAGER_STATE_DIR
 * (~/.cache/inference-ts/stream-manager), STREAM_MANAGER_MAX_RESTARTS (5),
 * STREAM_PIPELINE_THREADS (1), plus API_BASE_URL, ROBOFLOW_API_KEY/API_KEY, MODEL_CACHE_DIR.
 */
export function streamManagerConfig(env: NodeJS.ProcessEnv = process.env): StreamManagerConfig {
  const workerEnv: NodeJS.ProcessEnv = {};
  if (env.MODEL_CACHE_DIR) workerEnv.MODEL_CACHE_DIR = env.MODEL_CACHE_DIR;
  if (env.STREAM_PIPELINE_THREADS) workerEnv.STREAM_PIPELINE_THREADS = env.STREAM_PIPELINE_THREADS;
  const options: StreamManagerOptions = {
    stateDir: env.STREAM_MANAGER_STATE_DIR || join(homedir(), '.cache', 'inference-ts', 'stream-manager'),
    workerEnv,
  };
  const ram = num('STREAM_MANAGER_MAX_RAM_MB', env.STREAM_MANAGER_MAX_RAM_MB);
  if (ram) options.maxRamMb = ram;
  const warm = num('STREAM_API_PRELOADED_PROCESSES', env.STREAM_API_PRELOADED_PROCESSES);
  if (warm !== undefined) options.preloadedProcesses = Math.floor(warm);
  const restarts = num('STREAM_MANAGER_MAX_RESTARTS', env.STREAM_MANAGER_MAX_RESTARTS);
  if (restarts !== undefined) options.maxRestarts = Math.floor(restarts);
  if (env.API_BASE_URL) options.apiBaseUrl = env.API_BASE_URL;
  const key = env.ROBOFLOW_API_KEY || env.API_KEY;
  if (key) options.apiKey = key;
  return {
    host: env.STREAM_MANAGER_HOST || '127.0.0.1',
    port: num('STREAM_MANAGER_PORT', env.STREAM_MANAGER_PORT) ?? 7070,
    options,
  };
}
