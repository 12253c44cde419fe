import type { FieldValue } from './types.js';

const STEP_SELECTOR = /^\$steps\.([A-Za-z_\-0-9]+)\.([A-Za-z_*0-9-]+)$/;
const INPUT_SELECTOR = /^\$inputs\.([A-Za-z_\-0-9]+)$/;

/**
 * A field value as Roboflow reads it: any string starting with `$` is a reference,
 * which must be `$inputs.<name>` or `$steps.<step>.<output>`.
 * @returns the parsed field, or a message saying what is wrong with the selector.
 */
export function parseField(value: unknown): FieldValue | string {
  if (typeof value !== 'string' || !value.startsWith('$')) return { kind: 'literal', value };
  const input = INPUT_SELECTOR.exec(value);
  if (input) return { kind: 'input', name: input[1] };
  const step = STEP_SELECTOR.exec(value);
  if (step) return { kind: 'step', step: step[1], output: step[2] };
  return `${JSON.stringify(value)} is not a valid selector (expected $inputs.<name> or $steps.<step>.<output>)`;
}
