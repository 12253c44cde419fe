import type { Command } from 'commander';
import { parseInteger, parseSessions } from '../options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Flags shared by every command that loads models. */
export function withEngineOptions(cmd: Command): Command {
  return cmd
    .option('--cache-dir <dir>', 'model cache directory (default: $MODEL_CACHE_DIR or ~/.cache/inference-ts)')
    .option('--api-key <key>', 'Roboflow API key (default: $ROBOFLOW_API_KEY)')
    .option('--api-url <url>', 'Roboflow API base URL (default: $API_BASE_URL or https://api.roboflow.com)')
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
    )
    .option('--allow-http', 'allow model downloads over plain http (e.g. a local mirror)');
}
