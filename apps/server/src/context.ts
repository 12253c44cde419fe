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
  }
}
