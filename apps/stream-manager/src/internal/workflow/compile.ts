import { StreamManagerError } from '../errors.js';
import { isObject } from '../validate.js';
import { findBlock } from './blocks/index.js';
import { parseField } from './selectors.js';
import type {
  CompiledOutput,
  CompiledStep,
  CompiledWorkflow,
  FieldValue,
  WorkflowInputDecl,
} from './types.js';

/** The Execution Engine version we mirror: specs declaring 1.0 .. 1.15.x are accepted. */
const ENGINE = [1, 15, 0] as const;

const invalid = (detail: string): never => {
  throw new StreamManagerError(
    'STREAM_ERR_INVALID_WORKFLOW',
    `Provided workflow configuration is not valid. ${detail}`,
  );
};

function checkVersion(v: unknown): void {
  if (typeof v !== 'string' && typeof v !== 'number') invalid('`version` is required (e.g. "1.0").');
  const parts = String(v).split('.').map(Number);
  if (parts.some((p) => !Number.isInteger(p) || p < 0) || parts.length > 3)
    invalid(`\`version\` ${JSON.stringify(v)} is not a version number.`);
  const [major, minor = 0, patch = 0] = parts;
  const newer = minor > ENGINE[1] || (minor === ENGINE[1] && patch > ENGINE[2]);
  if (major !== ENGINE[0] || newer)
    invalid(`Execution Engine ${ENGINE.join('.')} cannot run workflows of version ${v}.`);
}

const INPUT_TYPES: Record<string, WorkflowInputDecl['type']> = {
  WorkflowImage: 'image',
  InferenceImage: 'image',
  WorkflowVideoMetadata: 'video_metadata',
  WorkflowParameter: 'parameter',
  InferenceParameter: 'parameter',
};

function inputs(list: unknown): WorkflowInputDecl[] {
  if (!Array.isArray(list)) invalid('`inputs` must be a list.');
  const seen = new Set<string>();
  return (list as unknown[]).map((x, i) => {
    if (!isObject(x)) invalid(`inputs[${i}] must be an object.`);
    const o = x as Record<string, unknown>;
    const type = INPUT_TYPES[String(o.type)];
    if (!type) invalid(`inputs[${i}] has unknown type ${JSON.stringify(o.type)}.`);
    if (typeof o.name !== 'string' || !o.name) invalid(`inputs[${i}] needs a name.`);
    const name = o.name as string;
    if (seen.has(name)) invalid(`Duplicated input name "${name}".`);
    seen.add(name);
    return { name, type, defaultValue: o.default_value ?? null };
  });
}

function step(x: unknown, i: number): CompiledStep {
  if (!isObject(x)) invalid(`steps[${i}] must be an object.`);
  const raw = x as Record<string, unknown>;
  if (typeof raw.type !== 'string') invalid(`steps[${i}] has no \`type\`.`);
  if (typeof raw.name !== 'string' || !raw.name) invalid(`steps[${i}] (${raw.type}) needs a \`name\`.`);
  const type = raw.type as string;
  const name = raw.name as string;
  const found = findBlock(type);
  if (!found) invalid(`Unknown block type "${type}" in step "${name}".`);
  const { block, version } = found!;
  const fields: Record<string, FieldValue> = {};
  for (const [field, rule] of Object.entries(block.fields(version))) {
    const value = raw[field];
    if (value === undefined || value === null) {
      if (rule.required) invalid(`Step "${name}" (${type}) needs field \`${field}\`.`);
      continue;
    }
    const parsed = parseField(value);
    if (typeof parsed === 'string') invalid(`Step "${name}" field \`${field}\`: ${parsed}.`);
    const f = parsed as FieldValue;
    const form =
      f.kind === 'literal'
        ? rule.allow === 'selectorOnly' || rule.allow === 'inputOnly'
          ? 'a selector'
          : undefined
        : f.kind === 'step' && (rule.allow === 'input' || rule.allow === 'inputOnly')
          ? 'a literal or an $inputs selector'
          : rule.allow === 'literal'
            ? 'a literal value (no selector)'
            : undefined;
    if (form) invalid(`Step "${name}" field \`${field}\` must be ${form}, got ${JSON.stringify(value)}.`);
    if (f.kind === 'literal' && rule.check) {
      const expected = rule.check(f.value);
      if (expected)
        invalid(`Step "${name}" field \`${field}\` must be ${expected}, got ${JSON.stringify(value)}.`);
    }
    fields[field] = f;
  }
  for (const [field, value] of Object.entries(block.dynamicFields?.(raw) ?? {})) {
    const parsed = parseField(value);
    if (typeof parsed === 'string') invalid(`Step "${name}" field \`${field}\`: ${parsed}.`);
    if ((parsed as FieldValue).kind === 'literal')
      invalid(`Step "${name}" field \`${field}\` must be a selector, got ${JSON.stringify(value)}.`);
    fields[field] = parsed as FieldValue;
  }
  const bad = block.check?.(version, raw);
  if (bad) invalid(`Step "${name}" (${type}): ${bad}.`);
  return { name, type, block, version, fields, raw };
}

function outputs(list: unknown): CompiledOutput[] {
  if (!Array.isArray(list)) invalid('`outputs` must be a list.');
  const seen = new Set<string>();
  return (list as unknown[]).map((x, i) => {
    if (!isObject(x)) invalid(`outputs[${i}] must be an object.`);
    const o = x as Record<string, unknown>;
    if (o.type !== undefined && o.type !== 'JsonField')
      invalid(`outputs[${i}] has unknown type ${JSON.stringify(o.type)}.`);
    if (typeof o.name !== 'string' || !o.name) invalid(`outputs[${i}] needs a name.`);
    const name = o.name as string;
    if (seen.has(name)) invalid(`Duplicated output name "${name}".`);
    seen.add(name);
    if (typeof o.selector !== 'string' || !o.selector.startsWith('$'))
      invalid(`Output "${name}" needs a selector ($steps.<step>.<output> or $inputs.<name>).`);
    const selector = parseField(o.selector);
    if (typeof selector === 'string') invalid(`Output "${name}": ${selector}.`);
    const s = selector as FieldValue;
    return { name, selector: s, wildcard: s.kind === 'step' && s.output === '*' };
  });
}

/** Steps in an order where each runs after every step it reads (Kahn's algorithm; spec order breaks ties). */
function executionOrder(steps: CompiledStep[]): CompiledStep[] {
  const deps = new Map(
    steps.map((s) => [
      s.name,
      new Set(
        Object.values(s.fields)
          .filter((f): f is Extract<FieldValue, { kind: 'step' }> => f.kind === 'step')
          .map((f) => f.step),
      ),
    ]),
  );
  const done = new Set<string>();
  const order: CompiledStep[] = [];
  while (order.length < steps.length) {
    const next = steps.find((s) => !done.has(s.name) && [...deps.get(s.name)!].every((d) => done.has(d)));
    if (!next) {
      const stuck = steps.filter((s) => !done.has(s.name)).map((s) => s.name);
      invalid(`Steps ${stuck.join(', ')} depend on each other in a cycle.`);
    }
    done.add(next!.name);
    order.push(next!);
  }
  return order;
}

/**
 * Checks a workflow specification the way Roboflow's compiler does (block types,
 * fields, selectors, names) and orders its steps.
 * @throws StreamManagerError `STREAM_ERR_INVALID_WORKFLOW` naming what is wrong.
 * @example
 * compileWorkflow({ version: '1.0', inputs: [{ type: 'WorkflowImage', name: 'image' }], steps: [], outputs: [] }).steps // []
 */
export function compileWorkflow(spec: unknown): CompiledWorkflow {
  if (!isObject(spec)) return invalid('The specification must be an object.');
  const s = spec as Record<string, unknown>;
  for (const key of ['version', 'inputs', 'steps', 'outputs']) {
    if (s[key] === undefined) invalid(`\`${key}\` is required.`);
  }
  checkVersion(s.version);
  const declared = inputs(s.inputs);
  if (!Array.isArray(s.steps)) invalid('`steps` must be a list.');
  const steps = (s.steps as unknown[]).map(step);
  const byName = new Map<string, CompiledStep>();
  for (const st of steps) {
    if (byName.has(st.name)) invalid(`Duplicated step name "${st.name}".`);
    if (declared.some((d) => d.name === st.name)) invalid(`Step name "${st.name}" is also an input name.`);
    byName.set(st.name, st);
  }
  const inputNames = new Set(declared.map((d) => d.name));
  const checkRef = (f: FieldValue, where: string, allowWildcard: boolean) => {
    if (f.kind === 'input' && !inputNames.has(f.name))
      invalid(`${where} refers to undeclared input "$inputs.${f.name}".`);
    if (f.kind === 'step') {
      const target = byName.get(f.step);
      if (!target) invalid(`${where} refers to unknown step "${f.step}".`);
      const outs = target!.block.outputs(target!.version);
      if (!(f.output === '*' && allowWildcard) && !outs.includes(f.output))
        invalid(
          `${where} refers to "$steps.${f.step}.${f.output}", but step "${f.step}" outputs only ${outs.join(', ')}.`,
        );
    }
  };
  for (const st of steps) {
    for (const [field, f] of Object.entries(st.fields))
      checkRef(f, `Step "${st.name}" field \`${field}\``, false);
  }
  const outs = outputs(s.outputs);
  for (const o of outs) checkRef(o.selector, `Output "${o.name}"`, true);
  return { inputs: declared, steps: executionOrder(steps), outputs: outs };
}
