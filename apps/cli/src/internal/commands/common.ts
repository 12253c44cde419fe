import type { Command } from 'commander';
import { parseInteger, parseSessions } from '../options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `--cache-dir`: every command that reads the model cache. */
export function withCacheOption(cmd: Command): Command {
  return cmd.option(
    '--cache-dir <dir>',
    'model cache directory (default: $MODEL_CACHE_DIR or ~/.cache/inference-ts)',
  );
}

/** Cache plus download flags: commands that may fetch a model. */
export function withRegistryOptions(cmd: Command): Command {
  return withCacheOption(cmd)
    .option('--api-key <key>', 'Roboflow API key (default: $ROBOFLOW_API_KEY)')
    .option('--api-url <url>', 'Roboflow API base URL (default: $API_BASE_URL or https://api.roboflow.com)')
    .option('--allow-http', 'allow model downloads over plain http (e.g. a local mirror)');
}

/** ONNX Runtime flags: commands that load a model and run it. */
export function withRuntimeOptions(cmd: Command): Command {
  return cmd
    .option('--threads <n>', 'threads per ONNX Runtime session', parseInteger('--threads', 1))
    .option(
      '--sessions <n|adaptive>',
      "ONNX Runtime sessions per model (each runs one inference at a time); 'adaptive': all threads for a lone request, one worker per core under load",
      parseSessions,
    )
    .option('--worker', 'run each ONNX Runtime session in a worker thread (keeps the event loop free)')
    .option(
      '--provider <name>',
      'execution provider, repeatable, in preference order (cpu, cuda, tensorrt, coreml, dml)',
      collect,
    );
}

/** Flags shared by every command that loads models: registry and runtime. */
export function withEngineOptions(cmd: Command): Command {
  return withRuntimeOptions(withRegistryOptions(cmd));
}
