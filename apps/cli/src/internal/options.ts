import { InvalidArgumentError } from 'commander';

/** Parse a number option, rejecting junk with a clear message. */
export function parseNumber(name: string, min?: number, max?: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${value}"`);
    if (min !== undefined && n < min) throw new InvalidArgumentError(`${name} must be >= ${min}`);
    if (max !== undefined && n > max) throw new InvalidArgumentError(`${name} must be <= ${max}`);
    return n;
  };
}

/** `--sessions`: a count, or 'adaptive' (a latency session plus one single-thread worker session per core). */
export function parseSessions(value: string): number | 'adaptive' {
  return value === 'adaptive' ? 'adaptive' : parseInteger('--sessions', 1)(value);
}

export function parseInteger(name: string, min?: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${value}"`);
    if (min !== undefined && n < min) throw new InvalidArgumentError(`${name} must be >= ${min}`);
    return n;
  };
}

/** Options every command that touches models shares. */
export interface EngineCliOptions {
  cacheDir?: string;
  apiKey?: string;
  apiUrl?: string;
  threads?: number;
  sessions?: number | 'adaptive';
  worker?: boolean;
  provider?: string[];
  allowHttp?: boolean;
}
