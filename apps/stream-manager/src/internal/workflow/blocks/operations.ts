import { Detections } from '@inference-ts/core';
import { isObject } from '../../validate.js';

/**
 * A subset of Roboflow's query language (`roboflow_core/detections_filter`,
 * `property_definition`): statements, operands and operations as JSON. `check*`
 * validate at compile time (returning what is wrong), `eval*` run per frame.
 */

type Obj = Record<string, unknown>;

const DETECTION_PROPERTIES = [
  'class_name',
  'class_id',
  'confidence',
  'detection_id',
  'tracker_id',
  'x_min',
  'y_min',
  'x_max',
  'y_max',
  'size',
  'center',
  'top_left',
  'bottom_right',
] as const;

const CLASSIFICATION_PROPERTIES = [
  'top_class',
  'top_class_confidence',
  'all_classes',
  'all_confidences',
] as const;

const BINARY = [
  '==',
  '!=',
  '(Number) ==',
  '(Number) !=',
  '(Number) >',
  '(Number) >=',
  '(Number) <',
  '(Number) <=',
  'in (Sequence)',
  'any in (Sequence)',
  'all in (Sequence)',
  '(Sequence) contains',
  '(String) startsWith',
  '(String) endsWith',
  '(String) contains',
] as const;

const UNARY = [
  'Exists',
  'DoesNotExist',
  '(Boolean) is True',
  '(Boolean) is False',
  '(Sequence) is empty',
  '(Sequence) is not empty',
] as const;

const OPERATIONS: Record<string, (op: Obj) => string | undefined> = {
  ExtractDetectionProperty: (op) =>
    DETECTION_PROPERTIES.includes(op.property_name as never)
      ? undefined
      : `property_name one of ${DETECTION_PROPERTIES.join(', ')}`,
  DetectionsPropertyExtract: (op) =>
    DETECTION_PROPERTIES.includes(op.property_name as never)
      ? undefined
      : `property_name one of ${DETECTION_PROPERTIES.join(', ')}`,
  ClassificationPropertyExtract: (op) =>
    CLASSIFICATION_PROPERTIES.includes(op.property_name as never)
      ? undefined
      : `property_name one of ${CLASSIFICATION_PROPERTIES.join(', ')}`,
  SequenceLength: () => undefined,
  ToString: () => undefined,
  ToNumber: (op) =>
    op.cast_to === undefined || op.cast_to === 'int' || op.cast_to === 'float'
      ? undefined
      : 'cast_to int or float',
  StringToUpperCase: () => undefined,
  StringToLowerCase: () => undefined,
  DetectionsFilter: (op) => checkStatement(op.filter_operation),
};

/** What is wrong with a list of operations, or undefined. */
export function checkOperations(ops: unknown): string | undefined {
  if (!Array.isArray(ops)) return 'a list of operations';
  for (const op of ops) {
    if (!isObject(op)) return 'a list of operation objects';
    const check = OPERATIONS[String(op.type)];
    if (!check)
      return `operations of known types (${Object.keys(OPERATIONS).join(', ')}); unknown ${JSON.stringify(op.type)}`;
    const bad = check(op);
    if (bad) return `${op.type} with ${bad}`;
  }
  return undefined;
}

function checkOperand(o: unknown): string | undefined {
  if (!isObject(o)) return 'operands as objects';
  if (o.type === 'StaticOperand')
    return o.operations === undefined ? undefined : checkOperations(o.operations);
  if (o.type === 'DynamicOperand')
    return o.operations === undefined ? undefined : checkOperations(o.operations);
  return `operand type StaticOperand or DynamicOperand, not ${JSON.stringify(o.type)}`;
}

/** What is wrong with a statement (group, binary or unary), or undefined. */
export function checkStatement(s: unknown): string | undefined {
  if (!isObject(s)) return 'a statement object';
  switch (s.type) {
    case 'StatementGroup': {
      if (s.operator !== undefined && s.operator !== 'and' && s.operator !== 'or')
        return 'operator "and" or "or"';
      if (!Array.isArray(s.statements) || s.statements.length === 0) return 'a non-empty statements list';
      for (const x of s.statements) {
        const bad = checkStatement(x);
        if (bad) return bad;
      }
      return undefined;
    }
    case 'BinaryStatement': {
      const c = isObject(s.comparator) ? s.comparator.type : undefined;
      if (!BINARY.includes(c as never))
        return `a comparator of ${BINARY.join(', ')}; unknown ${JSON.stringify(c)}`;
      return checkOperand(s.left_operand) ?? checkOperand(s.right_operand);
    }
    case 'UnaryStatement': {
      const c = isObject(s.operator) ? s.operator.type : undefined;
      if (!UNARY.includes(c as never))
        return `a unary operator of ${UNARY.join(', ')}; unknown ${JSON.stringify(c)}`;
      return checkOperand(s.operand);
    }
    default:
      return `statement type StatementGroup, BinaryStatement or UnaryStatement, not ${JSON.stringify(s.type)}`;
  }
}

/** One detection of a collection, for per-detection statements. */
export interface DetectionRef {
  detections: Detections;
  index: number;
}

const isDetectionRef = (v: unknown): v is DetectionRef =>
  isObject(v as never) && (v as DetectionRef).detections instanceof Detections;

function detectionProperty(d: Detections, i: number, name: string): unknown {
  const b = d.xyxy;
  switch (name) {
    case 'class_name':
      return (d.data.className?.[i] as string | undefined) ?? String(d.classId[i]);
    case 'class_id':
      return d.classId[i];
    case 'confidence':
      return d.confidence[i];
    case 'detection_id':
      return d.data.detectionId?.[i] ?? null;
    case 'tracker_id':
      return d.trackerId ? d.trackerId[i] : null;
    case 'x_min':
      return b[i * 4];
    case 'y_min':
      return b[i * 4 + 1];
    case 'x_max':
      return b[i * 4 + 2];
    case 'y_max':
      return b[i * 4 + 3];
    case 'size':
      return (b[i * 4 + 2] - b[i * 4]) * (b[i * 4 + 3] - b[i * 4 + 1]);
    case 'center':
      return [(b[i * 4] + b[i * 4 + 2]) / 2, (b[i * 4 + 1] + b[i * 4 + 3]) / 2];
    case 'top_left':
      return [b[i * 4], b[i * 4 + 1]];
    case 'bottom_right':
      return [b[i * 4 + 2], b[i * 4 + 3]];
    default:
      return null;
  }
}

function classificationProperty(c: Obj, name: string): unknown {
  const preds = c.predictions;
  const list = Array.isArray(preds)
    ? (preds as { class: string; confidence: number }[])
    : isObject(preds)
      ? Object.entries(preds).map(([k, v]) => ({
          class: k,
          confidence: (v as { confidence: number }).confidence,
        }))
      : [];
  switch (name) {
    case 'top_class':
      return c.top ?? (c.predicted_classes as string[] | undefined)?.[0] ?? null;
    case 'top_class_confidence':
      return c.confidence ?? null;
    case 'all_classes':
      return list.map((p) => p.class);
    case 'all_confidences':
      return list.map((p) => p.confidence);
    default:
      return null;
  }
}

/** Applies operations in order to a value. */
export function applyOperations(
  value: unknown,
  ops: readonly Obj[],
  params: Record<string, unknown>,
): unknown {
  let v = value;
  for (const op of ops) {
    switch (op.type) {
      case 'ExtractDetectionProperty':
        v = isDetectionRef(v) ? detectionProperty(v.detections, v.index, String(op.property_name)) : null;
        break;
      case 'DetectionsPropertyExtract':
        v =
          v instanceof Detections
            ? Array.from({ length: v.length }, (_, i) =>
                detectionProperty(v as Detections, i, String(op.property_name)),
              )
            : null;
        break;
      case 'ClassificationPropertyExtract':
        v = isObject(v as never) ? classificationProperty(v as Obj, String(op.property_name)) : null;
        break;
      case 'SequenceLength':
        v = v instanceof Detections ? v.length : Array.isArray(v) || typeof v === 'string' ? v.length : null;
        break;
      case 'ToString':
        v = typeof v === 'string' ? v : JSON.stringify(v);
        break;
      case 'ToNumber':
        v = op.cast_to === 'int' ? Math.trunc(Number(v)) : Number(v);
        break;
      case 'StringToUpperCase':
        v = String(v).toUpperCase();
        break;
      case 'StringToLowerCase':
        v = String(v).toLowerCase();
        break;
      case 'DetectionsFilter':
        v = v instanceof Detections ? filterDetections(v, op.filter_operation as Obj, params) : v;
        break;
    }
  }
  return v;
}

function operand(o: Obj, params: Record<string, unknown>, subject: unknown): unknown {
  const ops = (o.operations as Obj[] | undefined) ?? [];
  if (o.type === 'StaticOperand') return applyOperations(o.value, ops, params);
  const name = (o.operand_name as string | undefined) ?? '_';
  return applyOperations(name === '_' ? subject : params[name], ops, params);
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v instanceof Set ? [...v] : []);

/** Evaluates a statement about `subject` (`_`), with named parameters. */
export function evalStatement(s: Obj, params: Record<string, unknown>, subject: unknown): boolean {
  if (s.type === 'StatementGroup') {
    const parts = (s.statements as Obj[]).map((x) => evalStatement(x, params, subject));
    return s.operator === 'and' ? parts.every(Boolean) : parts.some(Boolean);
  }
  const negate = s.negate === true;
  let r: boolean;
  if (s.type === 'UnaryStatement') {
    const v = operand(s.operand as Obj, params, subject);
    switch ((s.operator as Obj).type) {
      case 'Exists':
        r = v !== null && v !== undefined;
        break;
      case 'DoesNotExist':
        r = v === null || v === undefined;
        break;
      case '(Boolean) is True':
        r = v === true;
        break;
      case '(Boolean) is False':
        r = v === false;
        break;
      case '(Sequence) is empty':
        r = asList(v).length === 0;
        break;
      default:
        r = asList(v).length > 0;
    }
  } else {
    const a = operand(s.left_operand as Obj, params, subject);
    const b = operand(s.right_operand as Obj, params, subject);
    const n = (x: unknown) => Number(x);
    switch ((s.comparator as Obj).type) {
      case '==':
      case '(Number) ==':
        r = a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9);
        break;
      case '!=':
      case '(Number) !=':
        r = a !== b;
        break;
      case '(Number) >':
        r = n(a) > n(b);
        break;
      case '(Number) >=':
        r = n(a) >= n(b);
        break;
      case '(Number) <':
        r = n(a) < n(b);
        break;
      case '(Number) <=':
        r = n(a) <= n(b);
        break;
      case 'in (Sequence)':
        r = asList(b).includes(a);
        break;
      case 'any in (Sequence)':
        r = asList(a).some((x) => asList(b).includes(x));
        break;
      case 'all in (Sequence)':
        r = asList(a).every((x) => asList(b).includes(x));
        break;
      case '(Sequence) contains':
        r = asList(a).includes(b);
        break;
      case '(String) startsWith':
        r = String(a).startsWith(String(b));
        break;
      case '(String) endsWith':
        r = String(a).endsWith(String(b));
        break;
      default:
        r = String(a).includes(String(b));
    }
  }
  return negate ? !r : r;
}

/** Detections for which the statement holds (each detection is `_`). */
export function filterDetections(d: Detections, statement: Obj, params: Record<string, unknown>): Detections {
  return d.filter((index) => evalStatement(statement, params, { detections: d, index }));
}
