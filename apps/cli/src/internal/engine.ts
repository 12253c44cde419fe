import { type ExecutionProvider, InferenceEngine } from '@inference-ts/core';
import type { EngineCliOptions } from './options.js';

/** Build an engine from CLI flags; environment defaults (MODEL_CACHE_DIR, ROBOFLOW_API_KEY, API_BASE_URL) apply. */
export function engineFromOptions(o: EngineCliOptions): InferenceEngine {
  return new InferenceEngine({
    env: process.env, // the core reads no environment itself (XDG_CACHE_HOME, ORT_LOG_LEVEL)
    cacheDir: o.cacheDir ?? process.env.MODEL_CACHE_DIR,
    apiKey: o.apiKey ?? process.env.ROBOFLOW_API_KEY ?? process.env.API_KEY,
    apiBaseUrl: o.apiUrl ?? process.env.API_BASE_URL,
    allowHttp: o.allowHttp,
    session: {
      providers: o.provider as ExecutionProvider[] | undefined,
      intraOpThreads: o.threads,
      sessions: o.sessions,
      worker: o.worker,
      onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
    },
  });
}
