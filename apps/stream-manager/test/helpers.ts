import { request } from 'node:http';

export { alive, commandOf, descendants } from '../../../testing/processes.js';
export { yoloxDir } from '../../../testing/shared.js';

/** Polls `check` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** JSON over HTTP (node:http, so a GET may carry a body as Roboflow's Python client sends), returning status and body. */
export function call(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: Record<string, unknown> & { context?: { pipeline_id: string | null; request_id: string } };
}> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        headers: data
          ? { 'content-type': 'application/json', 'content-length': data.length, ...headers }
          : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
            });
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * An init payload for one model on one source (our shorthand). Files are read at 15 fps
 * with WAIT/LAZY: the stream API's defaults (DROP_OLDEST/EAGER, as Roboflow's) would
 * decode a file at full speed and end it within seconds.
 */
export function modelPayload(
  source: string | number | (string | number)[],
  model: string,
  extra: Record<string, unknown> = {},
) {
  return {
    video_configuration: {
      type: 'VideoConfiguration',
      video_reference: source,
      max_fps: 15,
      source_buffer_filling_strategy: 'WAIT',
      source_buffer_consumption_strategy: 'LAZY',
    },
    processing_configuration: { type: 'ModelConfiguration', model_id: model, tracking: true },
    ...extra,
  };
}
