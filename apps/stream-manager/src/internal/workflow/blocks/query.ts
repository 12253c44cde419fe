import { Detections } from '@inference-ts/core';
import type { BlockDefinition, FieldRule } from '../types.js';
import { applyOperations, checkOperations, checkStatement, filterDetections } from './operations.js';

const dynamic = (raw: Record<string, unknown>) => {
  const p = raw.operations_parameters;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return {};
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [`operations_parameters.${k}`, v]));
};

function paramsOf(
  scopeRead: (field: string) => unknown,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  const p = raw.operations_parameters;
  if (typeof p !== 'object' || p === null) return {};
  return Object.fromEntries(Object.keys(p).map((k) => [k, scopeRead(`operations_parameters.${k}`)]));
}

/** `roboflow_core/detections_filter@v1`: keeps the detections for which the statement holds. */
export const DETECTIONS_FILTER: BlockDefinition = {
  name: 'roboflow_core/detections_filter',
  versions: ['v1'],
  aliases: ['DetectionsFilter'],
  outputs: () => ['predictions'],
  fields: (): Record<string, FieldRule> => ({
    predictions: { allow: 'selectorOnly', required: true },
    operations: { allow: 'literal', required: true },
    operations_parameters: { allow: 'literal' },
  }),
  dynamicFields: dynamic,
  check(_v, raw) {
    const p = raw.operations_parameters;
    if (p !== undefined && (typeof p !== 'object' || p === null || Array.isArray(p)))
      return '`operations_parameters` must be an object of name -> selector';
    if (p && '_' in (p as object)) return '`_` is a reserved operations_parameters name';
    const ops = raw.operations;
    if (!Array.isArray(ops) || ops.length === 0) return '`operations` must be a non-empty list';
    for (const op of ops) {
      if (typeof op !== 'object' || op === null || (op as { type?: unknown }).type !== 'DetectionsFilter')
        return '`operations` may hold only DetectionsFilter operations';
      const bad = checkStatement((op as { filter_operation?: unknown }).filter_operation);
      if (bad) return `filter_operation must use ${bad}`;
    }
    return undefined;
  },
  create(_v, step) {
    const ops = step.raw.operations as { filter_operation: Record<string, unknown> }[];
    return {
      async run(scopes, read) {
        return scopes.map((scope) => {
          let d = read(scope, 'predictions');
          if (!(d instanceof Detections))
            throw new Error(`step ${step.name}: \`predictions\` is not detections`);
          const params = paramsOf((f) => read(scope, f), step.raw);
          for (const op of ops) d = filterDetections(d as Detections, op.filter_operation, params);
          return { predictions: d };
        });
      },
    };
  },
};

/** `roboflow_core/property_definition@v1`: applies operations to any value. */
export const PROPERTY_DEFINITION: BlockDefinition = {
  name: 'roboflow_core/property_definition',
  versions: ['v1'],
  aliases: ['PropertyDefinition', 'PropertyExtraction'],
  outputs: () => ['output'],
  fields: (): Record<string, FieldRule> => ({
    data: { allow: 'selectorOnly', required: true },
    operations: { allow: 'literal', required: true },
  }),
  check(_v, raw) {
    const bad = checkOperations(raw.operations);
    return bad ? `\`operations\` must be ${bad}` : undefined;
  },
  create(_v, step) {
    const ops = step.raw.operations as Record<string, unknown>[];
    return {
      async run(scopes, read) {
        return scopes.map((scope) => ({ output: applyOperations(read(scope, 'data'), ops, {}) }));
      },
    };
  },
};
