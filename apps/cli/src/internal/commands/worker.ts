import { type ChildProcess, spawn } from 'node:child_process';
import {
  listWorkers,
  processesFromEnv,
  processShareEnv,
  redisUrlFrom,
  runProcesses,
  runWorker,
  workerFromEnv,
} from '@inference-ts/server/scale';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { examplesText } from '../help.js';
import { parseInteger } from '../options.js';
import { serverOptionsFrom } from './server.js';

const list = (v: string, prev: string[] = []) => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

function needRedis(flag: string | undefined): string {
  const url = redisUrlFrom(flag);
  if (!url)
    throw new CliError('no Redis given: pass --redis redis://host:port or set REDIS_HOST (and REDIS_PORT)');
  return url;
}

/**
 * Starts `n` worker processes of this CLI on the same Redis (the front's
 * `--local-workers`), each with an equal share of the machine; they stop when
 * this process exits.
 */
export function spawnLocalWorkers(n: number, url: string, models: string[] = []): ChildProcess[] {
  const children = Array.from({ length: n }, () =>
    spawn(
      process.execPath,
      [
        // the front's own node flags (a loader such as tsx, memory settings) apply to its workers too
        ...process.execArgv,
        process.argv[1],
        'worker',
        '--redis',
        url,
        ...(models.length ? ['--models', models.join(',')] : []),
      ],
      {
        // sized to its share of the machine (cores, run slots, pixel budget), like a server process,
        // and one process each; the rest of the environment (aliases, cache, keys) is the front's
        env: { ...process.env, ...processShareEnv(n), SERVER_PROCESSES: '1' },
        // the IPC channel closes when the front dies, however it dies: the worker then leaves too (no orphans)
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    ),
  );
  const killAll = () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  process.once('exit', killAll);
  process.once('SIGINT', killAll);
  process.once('SIGTERM', killAll);
  return children;
}

/** `inference worker` and `inference workers list`: the worker side of the scale-out on Redis. */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      'run inference jobs from Redis for HTTP fronts (`server start --redis`); as many as you like, on any machine',
    )
    .option('--redis <url>', 'Redis, redis://host:port (default: $REDIS_URL, or $REDIS_HOST and $REDIS_PORT)')
    .option(
      '--models <ids>',
      'models this worker holds (comma list, repeatable; default: $WORKER_MODELS, else any model)',
      list,
    )
    .option(
      '--concurrency <n>',
      'inferences per model at once (default: 2 per core)',
      parseInteger('--concurrency', 1),
    )
    .option(
      '--claim-timeout <ms>',
      "take over a dead worker's jobs after this long (default: $WORKER_CLAIM_TIMEOUT_MS or 10000)",
      parseInteger('--claim-timeout', 100),
    )
    .option('--sessions <n|adaptive>', 'ONNX Runtime sessions per model (default: adaptive)')
    .option(
      '--processes <n>',
      'worker processes on this machine, each with its share of the cores (default: $SERVER_PROCESSES or one per 4 cores)',
      parseInteger('--processes', 1),
    )
    .option('--cache-dir <dir>', 'model cache directory (default: $MODEL_CACHE_DIR)')
    .option('--api-key <key>', 'Roboflow API key for model downloads (default: $ROBOFLOW_API_KEY)')
    .option('--log-level <level>', 'trace, debug, info, warn, error (default: $LOG_LEVEL or info)')
    .addHelpText(
      'after',
      examplesText([
        ['worker --redis redis://10.0.0.5:6379', 'serve any model the fronts send'],
        ['worker --redis redis://10.0.0.5:6379 --models coco/3,pp-ocr', 'hold two models'],
      ]),
    )
    .action(
      async (flags: {
        redis?: string;
        models?: string[];
        concurrency?: number;
        claimTimeout?: number;
        sessions?: string;
        processes?: number;
        cacheDir?: string;
        apiKey?: string;
        logLevel?: string;
      }) => {
        const url = needRedis(flags.redis);
        const sessions =
          flags.sessions === 'adaptive' ? 'adaptive' : flags.sessions ? Number(flags.sessions) : undefined;
        const { options } = serverOptionsFrom({
          concurrency: flags.concurrency,
          sessions,
          cacheDir: flags.cacheDir,
          apiKey: flags.apiKey,
          logLevel: flags.logLevel,
        });
        const fromEnv = workerFromEnv();
        const models = flags.models ?? fromEnv.models;
        const claimTimeoutMs = flags.claimTimeout ?? fromEnv.claimTimeoutMs;
        await runProcesses(
          flags.processes ?? processesFromEnv(),
          async () => {
            const worker = await runWorker({ url, models, server: options, claimTimeoutMs });
            // started by a front's --local-workers, or forked by a worker primary: go when it goes
            if (process.send)
              process.once('disconnect', () => void worker.stop(5000).finally(() => process.exit(0)));
          },
          (l) => process.stderr.write(`${l}\n`),
          'worker',
        );
      },
    );

  const workers = program.command('workers').description('the workers of a scale-out on Redis');
  const listExample = examplesText([
    ['workers list --redis redis://10.0.0.5:6379', 'live workers, their models, jobs and queue depth'],
  ]);
  workers.addHelpText('after', listExample);
  workers
    .command('list')
    .description(
      'list the workers that announced themselves: models, jobs, reclaims, queue depth, live or not',
    )
    .option('--redis <url>', 'Redis, redis://host:port (default: $REDIS_URL, or $REDIS_HOST and $REDIS_PORT)')
    .option('--json', 'print JSON')
    .addHelpText('after', listExample)
    .action(async (flags: { redis?: string; json?: boolean }) => {
      const url = needRedis(flags.redis);
      let rows: Awaited<ReturnType<typeof listWorkers>>;
      try {
        rows = await listWorkers(url);
      } catch (e) {
        throw new CliError(`cannot reach Redis at ${url}: ${(e as Error).message}`);
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (rows.length === 0) {
        process.stdout.write(`no workers have announced themselves on ${url}\n`);
        return;
      }
      const now = Date.now();
      for (const w of rows) {
        const age = ((now - (w.seenAt ?? 0)) / 1000).toFixed(1);
        const batch = w.reads > 0 ? (w.jobsRead / w.reads).toFixed(2) : '-';
        const queued = Object.entries(w.queued)
          .map(([m, n]) => `${m}=${n}`)
          .join(' ');
        process.stdout.write(
          `${w.live ? 'live' : 'gone'}  ${w.id}  models: ${w.models.join(',')}  jobs: ${w.jobs}  in flight: ${w.inFlight}  mean read batch: ${batch}  reclaimed: ${w.reclaimed}  expired: ${w.expired}  queued: ${queued}  last seen ${age}s ago\n`,
        );
      }
    });
}
