import { StreamManagerError } from './errors.js';

/** Small, strict readers for JSON payloads: each failure names the field path. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v);

/** Reads fields of one JSON object, throwing `code` with the field's path on a wrong type. */
export class Fields {
  constructor(
    readonly obj: JsonObject,
    readonly path: string,
    readonly code:
      | 'STREAM_ERR_INVALID_PAYLOAD'
      | 'STREAM_ERR_INVALID_WORKFLOW' = 'STREAM_ERR_INVALID_PAYLOAD',
  ) {}

  static of(
    v: unknown,
    path: string,
    code: 'STREAM_ERR_INVALID_PAYLOAD' | 'STREAM_ERR_INVALID_WORKFLOW' = 'STREAM_ERR_INVALID_PAYLOAD',
  ): Fields {
    if (!isObject(v))
      throw new StreamManagerError(
        code,
        `${path || 'the request body'} must be an object, got ${describe(v)}`,
      );
    return new Fields(v, path, code);
  }

  fail(key: string, expected: string): never {
    const got = this.obj[key];
    throw new StreamManagerError(
      this.code,
      `${this.at(key)} must be ${expected}, got ${got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 80)}`,
    );
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): Json | undefined {
    return this.obj[key] ?? undefined;
  }

  string(key: string): string;
  string(key: string, fallback: string): string;
  string(key: string, fallback: null): string | null;
  string(key: string, fallback?: string | null): string | null {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (fallback === undefined) this.fail(key, 'a string');
      return fallback;
    }
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v;
  }

  number(
    key: string,
    fallback: number | null,
    check?: (n: number) => boolean,
    expected = 'a number',
  ): number | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || (check && !check(v))) this.fail(key, expected);
    return v;
  }

  integer(key: string, fallback: number, min: number): number {
    return this.number(
      key,
      fallback,
      (n) => Number.isInteger(n) && n >= min,
      `an integer >= ${min}`,
    ) as number;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.fail(key, 'true or false');
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[], fallback: T): T {
    const v = this.obj[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string' || !values.includes(v.toUpperCase() as T))
      this.fail(key, `one of ${values.join(', ')}`);
    return (v as string).toUpperCase() as T;
  }

  object(key: string): JsonObject | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (!isObject(v)) this.fail(key, 'an object');
    return v;
  }

  child(key: string): Fields {
    return Fields.of(this.obj[key], this.at(key), this.code);
  }
}
