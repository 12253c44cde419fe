import { Command, CommanderError } from 'commander';
import { registerApiSpeed } from './commands/api-speed.js';
import { registerBenchmark } from './commands/benchmark.js';
import { registerInfer } from './commands/infer.js';
import { registerModels } from './commands/models.js';
import { registerPipeline } from './commands/pipeline.js';
import { registerServer } from './commands/server.js';
import { formatError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command('inference')
    .description('Inference TS: run vision models from the command line')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerInfer(program);
  registerModels(program);
  registerPipeline(program);
  registerBenchmark(program);
  registerApiSpeed(program);
  registerServer(program);
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
