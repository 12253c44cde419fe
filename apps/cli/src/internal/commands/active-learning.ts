import {
  ActiveLearning,
  type ActiveLearningOptions,
  type ActiveLearningStatus,
  activeLearningOptionsFromEnv,
} from '@inference-ts/active-learning';
import type { PipelineActiveLearning } from '@inference-ts/pipeline';
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { withExamples } from '../help.js';
import { parseInteger } from '../options.js';

interface StateOptions {
  dir?: string;
  json?: boolean;
}

/** The state directory's options: --dir, else the ACTIVE_LEARNING_* environment. */
function stateOptions(o: StateOptions): ActiveLearningOptions {
  const env = activeLearningOptionsFromEnv(process.env);
  return { ...env, ...(o.dir ? { dir: o.dir } : {}), delivery: { autoStart: false } };
}

async function withState<T>(o: StateOptions, fn: (al: ActiveLearning) => Promise<T>): Promise<T> {
  const al = await ActiveLearning.open(stateOptions(o));
  try {
    return await fn(al);
  } finally {
    await al.close();
  }
}

const age = (ms: number | undefined) =>
  ms === undefined ? '-' : ms < 60_000 ? `${(ms / 1000).toFixed(0)}s` : `${(ms / 60_000).toFixed(1)}min`;

/** `status` as text lines. */
export function statusText(s: ActiveLearningStatus): string[] {
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  const lines = [
    `outbox: ${s.outbox.pending} pending, ${s.outbox.dead} dead, ${mb(s.outbox.bytes)} of ${mb(s.outbox.maxBytes)} MB, oldest ${age(s.outbox.oldestAgeMs)}`,
    `totals: ${[
      'sampled',
      'limited',
      'refused',
      'accepted',
      'delivered',
      'duplicates',
      'failed',
      'retried',
      'dead',
    ]
      .map((k) => `${k} ${s.totals[k] ?? 0}`)
      .join(', ')}`,
  ];
  if (s.usage.length === 0) lines.push('usage: none in the current windows');
  for (const u of s.usage)
    lines.push(`usage: ${u.workspace}/${u.project} ${u.strategy} ${u.window} ${u.usage}`);
  for (const e of s.lastErrors)
    lines.push(`error: ${new Date(e.at).toISOString()} item ${e.item ?? '-'}: ${e.message}`);
  return lines;
}

/** `pipeline run --active-learning <config>`: the pipeline option, from flags and the environment. */
export function pipelineActiveLearningFromFlags(o: {
  activeLearning?: string;
  activeLearningTarget?: string;
  apiKey?: string;
}): Omit<PipelineActiveLearning, 'modelId'> | undefined {
  if (!o.activeLearning) return undefined;
  const env = activeLearningOptionsFromEnv(process.env);
  const apiKey = o.apiKey ?? process.env.ROBOFLOW_API_KEY ?? process.env.API_KEY;
  return {
    activeLearning: {
      ...env,
      configFile: o.activeLearning,
      ...(o.activeLearningTarget ? { target: o.activeLearningTarget } : {}),
    },
    ...(apiKey ? { apiKey } : {}),
  };
}

/** `inference active-learning status | flush | export`: look into and act on the outbox. */
export function registerActiveLearning(program: Command): void {
  const al = program
    .command('active-learning')
    .description('the active learning outbox: status, flush, export');
  withExamples(al, [
    ['active-learning status', 'outbox depth, oldest item, usage per strategy and window, last errors'],
    ['active-learning flush --timeout 30000', 'deliver what is pending now and wait'],
    ['active-learning export ./dataset', 'copy the outbox into a COCO folder'],
  ]);
  const dirOption = (c: Command) =>
    c.option(
      '--dir <dir>',
      'state directory (default: $ACTIVE_LEARNING_DIR or ~/.cache/inference-ts/active-learning)',
    );

  const status = dirOption(
    al.command('status').description('outbox depth, oldest item age, usage, totals, last errors'),
  );
  withExamples(status, [
    ['active-learning status', 'the default state directory'],
    ['active-learning status --dir /data/al --json', 'as JSON'],
  ]);
  status.option('--json', 'print JSON').action(async (o: StateOptions) => {
    const s = await withState(o, async (a) => a.status());
    process.stdout.write(o.json ? `${JSON.stringify(s, null, 2)}\n` : `${statusText(s).join('\n')}\n`);
  });

  const flush = dirOption(
    al.command('flush').description('deliver every pending item now (ignoring back-off) and wait'),
  );
  withExamples(flush, [
    ['active-learning flush', 'deliver now; exit code 2 while items are still pending'],
    ['active-learning flush --retry-dead --timeout 120000', 'also retry items a target refused'],
  ]);
  flush
    .option('--timeout <ms>', 'give up after this long', parseInteger('--timeout', 1), 60_000)
    .option('--retry-dead', 'also retry items their target refused')
    .action(async (o: StateOptions & { timeout: number; retryDead?: boolean }) => {
      const r = await withState(o, async (a) => {
        if (o.retryDead) a.retryDead();
        return a.flush(o.timeout);
      });
      process.stdout.write(`delivered ${r.delivered}, pending ${r.pending}, dead ${r.dead}\n`);
      if (r.pending > 0)
        throw new CliError(`${r.pending} item(s) still pending: is the target reachable?`, 2);
    });

  const exporting = dirOption(
    al.command('export <folder>').description('copy every outbox item (pending and dead) into a COCO folder'),
  );
  withExamples(exporting, [
    ['active-learning export ./dataset', 'images + _annotations.coco.json per batch'],
  ]);
  exporting.action(async (folder: string, o: StateOptions) => {
    const n = await withState(o, (a) => a.export(folder));
    process.stdout.write(`exported ${n} item(s) to ${folder}\n`);
  });
}
