import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { engineFromOptions } from '../engine.js';
import { CliError } from '../errors.js';
import { withExamples } from '../help.js';
import type { EngineCliOptions } from '../options.js';
import { withCacheOption, withEngineOptions, withRegistryOptions } from './common.js';

const isFileOrFolder = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

export function registerModels(program: Command): void {
  const models = program.command('models').description('list, fetch, describe and remove cached models');
  withExamples(models, [
    ['models list', 'what the cache holds'],
    ['models pull coco/3 --api-key $ROBOFLOW_API_KEY', 'download a Roboflow model for offline use'],
  ]);

  const list = withCacheOption(models.command('list').description('models in the cache'));
  withExamples(list, [
    ['models list', 'one JSON line per cached model'],
    ['models list --cache-dir /data/models', 'another cache folder'],
  ]);
  list.action(async (o: EngineCliOptions) => {
    const engine = engineFromOptions(o);
    try {
      const cached = await engine.registry.list();
      for (const m of cached) process.stdout.write(`${JSON.stringify(m)}\n`);
      // stderr: stdout stays empty for scripts, the person at the terminal learns where we looked
      if (cached.length === 0)
        process.stderr.write(`no models in the cache folder ${engine.registry.cacheDir}\n`);
    } finally {
      await engine.dispose();
    }
  });

  const pull = withRegistryOptions(
    models.command('pull').description('download a model into the cache').argument('<id>'),
  );
  withExamples(pull, [
    ['models pull coco/3 --api-key $ROBOFLOW_API_KEY', 'a Roboflow dataset/version'],
    ['models pull https://example.com/yolov8n.onnx', 'an ONNX file or .tar.gz model folder by URL'],
  ]);
  pull.action(async (id: string, o: EngineCliOptions) => {
    const engine = engineFromOptions(o);
    try {
      const r = await engine.registry.pull(id);
      process.stdout.write(`${r.id} -> ${r.dir}\n`);
    } finally {
      await engine.dispose();
    }
  });

  const rm = withCacheOption(
    models
      .command('rm')
      .description('remove a model from the cache')
      .argument('<id>', 'dataset/version, alias or URL'),
  );
  withExamples(rm, [
    ['models rm coco/3', 'delete a downloaded Roboflow model'],
    ['models rm yolov8n-640', 'by alias'],
  ]);
  rm.action(async (id: string, o: EngineCliOptions) => {
    const engine = engineFromOptions(o);
    try {
      if (await engine.registry.remove(id)) {
        process.stdout.write(`removed ${id}\n`);
        return;
      }
      const target = (await engine.registry.aliases())[id] ?? id;
      if (await isFileOrFolder(resolve(target))) {
        throw new CliError(
          `${id} is a local model (${resolve(target)}), not a cached download; models rm only deletes from the cache folder ${engine.registry.cacheDir}, so nothing was removed`,
        );
      }
      throw new CliError(`${id} is not in the cache folder ${engine.registry.cacheDir}; nothing was removed`);
    } finally {
      await engine.dispose();
    }
  });

  const describe = withEngineOptions(
    models.command('describe').description('load a model and describe it').argument('<id>'),
  );
  withExamples(describe, [
    ['models describe ./yolox_nano.onnx', 'task, family, input size and classes of a local file'],
    ['models describe coco/3', 'a cached or downloadable Roboflow model'],
  ]);
  describe.action(async (id: string, o: EngineCliOptions) => {
    const engine = engineFromOptions(o);
    try {
      const model = await engine.getModel(id);
      process.stdout.write(`${JSON.stringify(model.describe(), null, 2)}\n`);
    } finally {
      await engine.dispose();
    }
  });
}
