import type { InferenceConfiguration } from './configuration.js';

/** Statuses the Python client retries: rate limited, model not ready yet, upstream timeout. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

type BackoffConfig = Pick<
  InferenceConfiguration,
  'retryBackoffMs' | 'retryBackoffFactor' | 'retryBackoffMaxMs' | 'retryJitter'
>;

/**
 * Parses `Retry-After` (seconds or an HTTP date) into ms; undefined when absent or unparsable.
 * @example
 * parseRetryAfter('2') // 2000
 */
export function parseRetryAfter(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Delay before retry number `retry` (1 for the first retry): the server's `Retry-After` when given,
 * else `retryBackoffMs * retryBackoffFactor^(retry-1)` with up to `retryJitter` of it randomised
 * downwards; always capped at `retryBackoffMaxMs`.
 */
export function retryDelayMs(
  retry: number,
  cfg: BackoffConfig,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cfg.retryBackoffMaxMs);
  const base = Math.min(cfg.retryBackoffMs * cfg.retryBackoffFactor ** (retry - 1), cfg.retryBackoffMaxMs);
  return base * (1 - cfg.retryJitter * random());
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
