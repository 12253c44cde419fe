/**
 * Tags of an upload, in Roboflow's order (§3.6): `ACTIVE_LEARNING_TAGS`, the
 * config's, the winning strategy's, then the model id (`/` -> `-`) when
 * predictions are persisted.
 *
 * @example
 * collectTags(['env'], ['cfg'], ['strat'], 'coco/3', true); // ['env', 'cfg', 'strat', 'coco-3']
 */
export function collectTags(
  envTags: readonly string[],
  configTags: readonly string[],
  strategyTags: readonly string[],
  modelId: string | undefined,
  persistPredictions: boolean,
): string[] {
  const out = [...envTags, ...configTags, ...strategyTags];
  if (persistPredictions && modelId) out.push(modelId.replace(/\//g, '-'));
  return out;
}

/** `ACTIVE_LEARNING_TAGS` split on commas, blanks dropped. */
export function parseEnvTags(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}
