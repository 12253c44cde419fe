import type { Command } from 'commander';
import { engineFromOptions } from '../engine.js';
import type { EngineCliOptions } from '../options.js';
import { withEngineOptions } from './common.js';

export function registerModels(program: Command): void {
  const models = program.command('models').description('list, fetch, describe and remove cached models');

  withEngineOptions(models.command('list').description('models in the cache')).action(
    async (o: EngineCliOptions) => {
      const engine = engineFromOptions(o);
      for (const m of await engine.registry.list()) process.stdout.write(`${JSON.stringify(m)}\n`);
      await engine.dispose();
    },
  );

  withEngineOptions(
    models.command('pull').description('download a model into the cache').argument('<id>'),
  ).action(async (id: string, o: EngineCliOptions) => {
    const engine = engineFromOptions(o);
    const r = await engine.registry.pull(id);
    process.stdout.write(`${r.id} -> ${r.dir}\n`);
    await engine.dispose();
  });

  withEngineOptions(
    models.command('rm').description('remove a model from the cache').argument('<id>'),
  ).action(async (id: string, o: EngineCliOptions) => {
    const engine = engineFromOptions(o);
    await engine.registry.remove(id);
    process.stdout.write(`removed ${id}\n`);
    await engine.dispose();
  });

  withEngineOptions(
    models.command('describe').description('load a model and describe it').argument('<id>'),
  ).action(async (id: string, o: EngineCliOptions) => {
    const engine = engineFromOptions(o);
    try {
      const model = await engine.getModel(id);
      process.stdout.write(`${JSON.stringify(model.describe(), null, 2)}\n`);
    } finally {
      await engine.dispose();
    }
  });
}
