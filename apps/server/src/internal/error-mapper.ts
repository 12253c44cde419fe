import { type CoreErrorCode, InferenceError } from '@inference-ts/core';
import type { WireValidationIssue } from '@inference-ts/sdk/wire';
import { ServerError } from './errors.js';

/** What the client gets for an error: status, extra headers, a Roboflow-shaped body, and a code for metrics and logs. */
export interface MappedError {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Stable code (`CORE_ERR_*`, `SERVER_ERR_*`, `FST_*`, `VALIDATION`, `INTERNAL`). */
  code: string;
  /** True for failures worth an error-level log (5xx that are not overload). */
  internal: boolean;
}

const API_KEY_HELP =
  'Visit https://docs.roboflow.com/api-reference/authentication#retrieve-an-api-key to learn how to retrieve one.';

/** Roboflow's public message per core code (contract §0 "Errors"); `null` means "use the error's own message". */
const CORE_MESSAGES: Partial<Record<CoreErrorCode, (m: string) => string>> = {
  CORE_ERR_MODEL_ID: (m) => `Invalid Model ID sent in request. Cause: ${m}`,
  CORE_ERR_API_KEY_MISSING: (m) => `Required Roboflow API key is missing. ${API_KEY_HELP} Cause: ${m}`,
  CORE_ERR_API_UNAUTHORIZED: () =>
    `Unauthorized access to roboflow API - check API key and make sure the key is valid for workspace you use. ${API_KEY_HELP}`,
  CORE_ERR_API_PAYMENT_REQUIRED: () =>
    'Payment required to access Roboflow API - check your credits and plan.',
  CORE_ERR_API_FORBIDDEN: () => 'Unauthorized access to roboflow API - check API key scopes.',
  CORE_ERR_MODEL_NOT_FOUND: (m) => `Requested Roboflow resource not found. Cause: ${m}`,
  CORE_ERR_API_NOT_FOUND: (m) => `Requested Roboflow resource not found. Cause: ${m}`,
  CORE_ERR_API_USAGE_PAUSED: () => 'Roboflow API usage is paused for this workspace.',
  CORE_ERR_PROVIDER_UNAVAILABLE: (m) => `Requested ONNX execution provider is not available. Cause: ${m}`,
  CORE_ERR_MODEL_MANIFEST: () => 'Model configuration related to pre- or post-processing is invalid.',
  CORE_ERR_PREPROCESS: () => 'Model configuration related to pre- or post-processing is invalid.',
  CORE_ERR_POSTPROCESS: () => 'Model configuration related to pre- or post-processing is invalid.',
  CORE_ERR_MODEL_ARTEFACT: () => 'Model package is broken.',
  CORE_ERR_MODEL_FAMILY: () => 'Model package is broken.',
  CORE_ERR_MODEL_HASH_MISMATCH: () => 'Model package is broken.',
  CORE_ERR_RUNTIME_SESSION: () => 'Could not load the model.',
  CORE_ERR_MODEL_DOWNLOAD: () => 'Internal error. Request to Roboflow API failed.',
  CORE_ERR_API_FAILED: () => 'Internal error. Request to Roboflow API failed.',
  CORE_ERR_API_UNREACHABLE: () => 'Internal error. Could not connect to Roboflow API.',
  CORE_ERR_API_TIMEOUT: () => 'Timeout when attempting to connect to Roboflow API.',
  CORE_ERR_MODEL_NOT_LOADED: () => 'Model is temporarily not ready - retry request.',
  CORE_ERR_DISPOSED: () => 'Model is temporarily not ready - retry request.',
  CORE_ERR_RUNTIME_RUN: () => 'Internal error.',
  CORE_ERR_IMAGE_ENCODE: () => 'Internal error.',
};

const imageMessage = (m: string) => `Could not load input image. Cause: ${m}`;

/** Core codes that mean the model package itself is unusable (not ONNX, truncated, no head fits, bad manifest). */
const MODEL_FILE_FAULTS = new Set<string>([
  'CORE_ERR_MODEL_ARTEFACT',
  'CORE_ERR_MODEL_FAMILY',
  'CORE_ERR_MODEL_MANIFEST',
  'CORE_ERR_MODEL_HASH_MISMATCH',
]);

/** True when a load failed because of the model file, not the server: the request's fault if the request named it. */
export function isModelFileFault(code: string | undefined): boolean {
  return code !== undefined && MODEL_FILE_FAULTS.has(code);
}

function fromCore(e: InferenceError): MappedError {
  const isImage = e.code.startsWith('CORE_ERR_IMAGE_') && e.code !== 'CORE_ERR_IMAGE_ENCODE';
  const message = isImage ? imageMessage(e.message) : (CORE_MESSAGES[e.code]?.(e.message) ?? e.message);
  const retry = e.code === 'CORE_ERR_MODEL_NOT_LOADED' || e.code === 'CORE_ERR_DISPOSED';
  return {
    status: e.status,
    headers: retry ? { 'retry-after': '1' } : {},
    body: { message },
    code: e.code,
    internal: e.status >= 500 && !retry,
  };
}

function fromServer(e: ServerError): MappedError {
  const headers: Record<string, string> =
    e.retryAfter !== undefined ? { 'retry-after': String(e.retryAfter) } : {};
  let body: Record<string, unknown> = { message: e.message };
  if (e.code === 'SERVER_ERR_UNAUTHORIZED') body = { status: 401, message: e.message };
  else if (e.code === 'SERVER_ERR_NOT_FOUND') body = { detail: e.message };
  else if (e.code === 'SERVER_ERR_IMAGE_TYPE' || e.code === 'SERVER_ERR_MULTIPART_FIELD')
    body = { message: imageMessage(e.message) };
  return { status: e.status, headers, body, code: e.code, internal: false };
}

interface AjvIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

const LOCATIONS: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

const TYPE_ISSUES: Record<string, [string, string]> = {
  number: ['float_type', 'Input should be a valid number'],
  integer: ['int_type', 'Input should be a valid integer'],
  boolean: ['bool_type', 'Input should be a valid boolean'],
  string: ['string_type', 'Input should be a valid string'],
  array: ['list_type', 'Input should be a valid list'],
  object: ['model_type', 'Input should be a valid dictionary or object to extract fields from'],
};

function pathOf(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let v: unknown = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

/** Longest `input` echoed back in a validation issue, in JSON characters. */
const MAX_ECHO_CHARS = 256;

/**
 * What a validation issue echoes of the offending value: small values as
 * they are (FastAPI echoes them), large ones cut (strings) or described
 * (objects, arrays), so a 20 MiB body never comes back whole.
 */
export function echoInput(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(v);
  } catch {
    return '[not echoed]';
  }
  if (json === undefined || json.length <= MAX_ECHO_CHARS) return v;
  if (typeof v === 'string') return `${v.slice(0, MAX_ECHO_CHARS)}… (${v.length} characters, cut)`;
  if (Array.isArray(v)) return `[array of ${v.length} items, ${json.length} characters, not echoed]`;
  return `[object with ${Object.keys(v as object).length} fields, ${json.length} characters, not echoed]`;
}

/** One FastAPI-style issue per failing location; union branches collapse into one. */
export function toValidationIssues(
  issues: AjvIssue[],
  context: string,
  data: unknown,
): WireValidationIssue[] {
  const where = LOCATIONS[context] ?? context;
  const byPath = new Map<string, AjvIssue[]>();
  for (const i of issues) {
    const missing = i.keyword === 'required' ? String(i.params.missingProperty) : '';
    const k = `${i.instancePath}|${missing}`;
    byPath.set(k, [...(byPath.get(k) ?? []), i]);
  }
  const out: WireValidationIssue[] = [];
  const paths = [...byPath.entries()].map(([k, g]) => ({ k, path: g[0].instancePath }));
  for (const [k, group] of byPath) {
    // A union that failed only because of a deeper problem is reported by that problem alone.
    const p = group[0].instancePath;
    if (
      group.some((i) => i.keyword === 'anyOf') &&
      paths.some((o) => o.k !== k && (o.path === p || o.path.startsWith(`${p}/`)))
    ) {
      continue;
    }
    const first = group.find((i) => i.keyword === 'anyOf') ?? group[0];
    const path = pathOf(first.instancePath);
    const input = valueAt(data, path);
    if (first.keyword === 'required') {
      out.push({
        type: 'missing',
        loc: [where, ...path, String(first.params.missingProperty)],
        msg: 'Field required',
        input: echoInput(input),
      });
      continue;
    }
    let type = first.keyword;
    let msg = first.message ?? 'Invalid value';
    if (first.keyword === 'type') [type, msg] = TYPE_ISSUES[String(first.params.type)] ?? ['type_error', msg];
    else if (first.keyword === 'enum') {
      type = 'enum';
      const allowed = (first.params.allowedValues as unknown[]).map((v) => `'${String(v)}'`);
      msg = `Input should be ${allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}` : allowed[0]}`;
    } else if (first.keyword === 'minimum') {
      type = 'greater_than_equal';
      msg = `Input should be greater than or equal to ${String(first.params.limit)}`;
    } else if (first.keyword === 'maximum') {
      type = 'less_than_equal';
      msg = `Input should be less than or equal to ${String(first.params.limit)}`;
    } else if (first.keyword === 'anyOf') {
      type = 'union_error';
      const branches = group
        .filter((i) => i !== first)
        .map((i) => i.message)
        .filter(Boolean);
      msg = `Input does not match any allowed form${branches.length ? ` (${[...new Set(branches)].join('; ')})` : ''}`;
    }
    out.push({ type, loc: [where, ...path], msg, input: echoInput(input) });
  }
  return out;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
  validation?: AjvIssue[];
  validationContext?: string;
}

/**
 * The one place where errors become HTTP answers: core codes get Roboflow's
 * statuses and `{message}` bodies, body/query validation gets FastAPI's 422
 * `{detail:[...]}`, overload gets Retry-After, and anything unknown is a
 * 500 `{"message":"Internal error."}` that never leaks internals.
 */
export function mapError(
  error: unknown,
  request: { body?: unknown; query?: unknown; params?: unknown },
): MappedError {
  if (error instanceof InferenceError) return fromCore(error);
  if (error instanceof ServerError) return fromServer(error);
  const e = (error ?? {}) as FastifyLikeError;
  if (Array.isArray(e.validation)) {
    const context = e.validationContext ?? 'body';
    const data =
      context === 'querystring' ? request.query : context === 'params' ? request.params : request.body;
    return {
      status: 422,
      headers: {},
      body: { detail: toValidationIssues(e.validation, context, data) },
      code: 'VALIDATION',
      internal: false,
    };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        status: 422,
        headers: {},
        body: { detail: [{ type: 'json_invalid', loc: ['body', 0], msg: 'JSON decode error', input: {} }] },
        code: e.code,
        internal: false,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 422,
        headers: {},
        body: { detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] },
        code: e.code,
        internal: false,
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return fromServer(new ServerError('SERVER_ERR_CONTENT_TYPE_INVALID'));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return fromServer(new ServerError('SERVER_ERR_BODY_TOO_LARGE'));
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return {
      status,
      headers: {},
      body: { message: e.message },
      code: e.code ?? 'CLIENT_ERROR',
      internal: false,
    };
  }
  return { status: 500, headers: {}, body: { message: 'Internal error.' }, code: 'INTERNAL', internal: true };
}
