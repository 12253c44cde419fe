export { buildProgram, run } from './internal/program.js';
