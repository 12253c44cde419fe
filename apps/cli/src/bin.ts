#!/usr/bin/env node
import { run } from './internal/program.js';

await run(process.argv);
