/**
 * @inference-ts/cli: the `inference` command (dist/bin.js). From code, the program itself:
 * `run(argv)` runs a command line, `buildProgram()` gives the commander program (for help
 * text, or to add commands). Every other module is internal (src/internal/, which the
 * `exports` map does not reach); `api-report.txt` lists every exported name.
 */
export { buildProgram, run } from './internal/program.js';
