import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { engineFromOptions } from '../engine.js';
import { CliError } from '../errors.js';
import { withExamples } from '../help.js';
import { type EngineCliOptions, parseInteger } from '../options.js';
import { median, table } from '../stats.js';
import { withEngineOptions } from './common.js';

interface ModelBenchOptions extends EngineCliOptions {
  model: string;
  iterations: number;
  warmup: number;
  concurrency: number;
  output?: string;
}

/** Per-stage medians for one model over a set of images, in process. */
export function registerBenchmark(program: Command): void {
  const bench = program.command('benchmark').description('measure speed');
  withExamples(bench, [
    ['benchmark model -m ./yolov8n.onnx dog.jpg', 'stage timings in this process'],
    ['benchmark api-speed -m coco/3 -c 4 dog.jpg', 'load-test a running server'],
  ]);
  const cmd = bench
    .command('model')
    .description('in-process stage timings: decode, preprocess, infer, postprocess (medians, ms)')
    .argument('<images...>', 'image files')
    .requiredOption('-m, --model <id>', 'model id, directory or .onnx file')
    .option('-n, --iterations <n>', 'timed passes over the images', parseInteger('--iterations', 1), 20)
    .option('-w, --warmup <n>', 'untimed passes first', parseInteger('--warmup', 0), 2)
    .option(
      '-c, --concurrency <n>',
      'inferences in flight at once (throughput under load)',
      parseInteger('--concurrency', 1),
      1,
    )
    .option('-o, --output <file>', 'also write the figures as JSON');
  withEngineOptions(cmd);
  withExamples(cmd, [
    ['benchmark model -m ./yolov8n.onnx dog.jpg horses.jpg', 'medians of 20 passes, per image and overall'],
    ['benchmark model -m ./yolov8n.onnx -c 4 --sessions 4 dog.jpg', 'throughput with 4 inferences in flight'],
  ]);
  cmd.action(async (images: string[], o: ModelBenchOptions) => {
    const engine = engineFromOptions(o);
    try {
      const model = await engine.getModel(o.model);
      const buffers = await Promise.all(images.map((p) => readFile(p)));
      if (buffers.length === 0) throw new CliError('no images given');
      for (let i = 0; i < o.warmup; i++) for (const b of buffers) await model.infer(b);
      const per: Record<
        string,
        { decode: number[]; preprocess: number[]; infer: number[]; postprocess: number[] }
      > = {};
      const all = {
        decode: [] as number[],
        preprocess: [] as number[],
        infer: [] as number[],
        postprocess: [] as number[],
      };
      const jobs = Array.from({ length: o.iterations * buffers.length }, (_, k) => k % buffers.length);
      const latencies: number[] = [];
      let next = 0;
      const t0 = performance.now();
      // `concurrency` workers pull the same job list: the in-process twin of an HTTP load test
      await Promise.all(
        Array.from({ length: o.concurrency }, async () => {
          while (next < jobs.length) {
            const j = jobs[next++];
            const s0 = performance.now();
            const r = await model.infer(buffers[j]);
            latencies.push(performance.now() - s0);
            const key = basename(images[j]);
            per[key] ??= { decode: [], preprocess: [], infer: [], postprocess: [] };
            for (const s of ['decode', 'preprocess', 'infer', 'postprocess'] as const) {
              per[key][s].push(r.timings[s]);
              all[s].push(r.timings[s]);
            }
          }
        }),
      );
      const wall = performance.now() - t0;
      const row = (name: string, t: typeof all) => {
        const m = {
          decode: median(t.decode),
          preprocess: median(t.preprocess),
          infer: median(t.infer),
          postprocess: median(t.postprocess),
        };
        return { name, ...m, ratio: (m.decode + m.preprocess + m.postprocess) / m.infer };
      };
      const rows = [...Object.entries(per).map(([k, v]) => row(k, v)), row('ALL', all)];
      const desc = model.describe();
      const throughput = jobs.length / (wall / 1000);
      process.stdout.write(
        `model ${desc.id} (${desc.family}, ${desc.inputWidth}x${desc.inputHeight}, ${desc.providers.join('+')}), ${o.iterations} iterations x ${buffers.length} images, concurrency ${o.concurrency}: ${throughput.toFixed(1)} img/s, latency p50 ${median(latencies).toFixed(1)} ms\n`,
      );
      process.stdout.write(
        `${table(
          ['image', 'decode', 'preprocess', 'infer', 'postprocess', '(dec+pre+post)/infer'],
          rows.map((r) => [r.name, r.decode, r.preprocess, r.infer, r.postprocess, r.ratio.toFixed(3)]),
        )}\n`,
      );
      if (o.output) {
        await writeFile(
          o.output,
          JSON.stringify(
            { model: desc, concurrency: o.concurrency, throughput, latencyP50: median(latencies), rows },
            null,
            2,
          ),
        );
      }
    } finally {
      await engine.dispose();
    }
  });
}
