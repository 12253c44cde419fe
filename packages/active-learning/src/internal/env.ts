import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ActiveLearningOptions } from './active-learning.js';
import { ActiveLearningError } from './errors.js';
import { parseEnvTags } from './tags.js';
import { parseTargetSpec } from './targets/folder.js';

/** Default state directory: `ACTIVE_LEARNING_DIR`, else `~/.cache/inference-ts/active-learning`. */
export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  return env.ACTIVE_LEARNING_DIR || join(homedir(), '.cache', 'inference-ts', 'active-learning');
}

/**
 * Options from the environment, for the apps (they parse env at their edge):
 * ACTIVE_LEARNING_DIR, ACTIVE_LEARNING_CONFIG (local file), ACTIVE_LEARNING_TARGET
 * (`roboflow` | `dir:<path>`), ACTIVE_LEARNING_OUTBOX_MAX_MB, ACTIVE_LEARNING_TAGS,
 * API_BASE_URL. Bad values throw typed errors.
 *
 * @example
 * activeLearningOptionsFromEnv({ ACTIVE_LEARNING_TARGET: 'dir:/data/al' }).target; // 'dir:/data/al'
 */
export function activeLearningOptionsFromEnv(env: NodeJS.ProcessEnv): ActiveLearningOptions {
  const target = env.ACTIVE_LEARNING_TARGET?.trim() || 'roboflow';
  parseTargetSpec(target);
  const opts: ActiveLearningOptions = {
    dir: defaultStateDir(env),
    target,
    tags: parseEnvTags(env.ACTIVE_LEARNING_TAGS),
  };
  if (env.ACTIVE_LEARNING_CONFIG) opts.configFile = env.ACTIVE_LEARNING_CONFIG;
  if (env.API_BASE_URL) opts.apiUrl = env.API_BASE_URL;
  const mb = env.ACTIVE_LEARNING_OUTBOX_MAX_MB;
  if (mb !== undefined && mb !== '') {
    const n = Number(mb);
    if (!Number.isFinite(n) || n <= 0)
      throw new ActiveLearningError(
        'AL_ERR_CONFIG_INVALID',
        `ACTIVE_LEARNING_OUTBOX_MAX_MB must be a positive number, got ${JSON.stringify(mb)}.`,
      );
    opts.outboxMaxBytes = Math.floor(n * 1024 * 1024);
  }
  return opts;
}
