import { Command, CommanderError } from 'commander';
import { registerActiveLearning } from './commands/active-learning.js';
import { registerApiSpeed } from './commands/api-speed.js';
import { registerBenchmark } from './commands/benchmark.js';
import { registerInfer } from './commands/infer.js';
import { registerModels } from './commands/models.js';
import { registerPipeline } from './commands/pipeline.js';
import { registerServer } from './commands/server.js';
import { registerStreams } from './commands/streams.js';
import { registerWorker } from './commands/worker.js';
import { formatError } from './errors.js';
import { helpConfig, withExamples } from './help.js';

export function buildProgram(): Command {
  const program = new Command('inference')
    .description('Inference TS: run vision models from the command line')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    // before the commands are added: subcommands inherit these settings when created
    // (exitOverride: `<command> --help` ends in run(), not in process.exit)
    .configureHelp(helpConfig)
    .exitOverride();
  registerInfer(program);
  registerModels(program);
  registerPipeline(program);
  registerBenchmark(program);
  registerApiSpeed(program);
  registerServer(program);
  registerWorker(program);
  registerActiveLearning(program);
  registerStreams(program);
  withExamples(program, [
    ['infer -m ./yolov8n.onnx dog.jpg', 'detect objects in a photo'],
    ['server start --port 9001', 'the Roboflow-compatible HTTP API'],
  ]);
  return program;
}

/** Parse argv and run; any error becomes one line on stderr and a non-zero exit code. */
export async function run(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (usage errors, --help, --version)
      process.exitCode = e.exitCode;
      return;
    }
    process.stderr.write(`${formatError(e)}\n`);
    process.exitCode = (e as { exitCode?: number }).exitCode ?? 1;
  }
}
