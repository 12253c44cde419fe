import type { EarlyAdmission } from './inference/early-admission.js';

/** What one request records for headers, metrics and logs. */
export interface RequestContext {
  /** `performance.now()` at arrival. */
  start: number;
  /** Model keys the request touched (`X-Model-Id`). */
  models: Set<string>;
  /** Loads this request waited for: model key and seconds (`X-Model-Load-Details`). */
  coldStarts: { m: string; t: number }[];
  /** Stable error code of a failed request (metrics label). */
  errorCode?: string;
  /** No key came in the URL or headers: the JSON body must bring one (checked after parsing). */
  keyPending?: boolean;
  /** A queue place taken before the body was parsed (see early-admission.ts). */
  admission?: EarlyAdmission;
}

export function newRequestContext(): RequestContext {
  return { start: performance.now(), models: new Set(), coldStarts: [] };
}

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext;
  }
  interface FastifyContextConfig {
    /** Routes that never need an API key (probes, docs, metrics). */
    public?: boolean;
    /** False on routes whose body never holds `api_key` (the legacy route): no key before the body is a 401 at once. */
    keyInBody?: boolean;
    /** Where the model id is, for admission before the body is parsed: the URL (legacy) or the JSON body (v1). */
    admitFrom?: 'url' | 'body';
  }
}
