import { haltInferenceForExit } from '@inference-ts/core/runtime';
import type { FastifyInstance } from 'fastify';
import type { ServerOptions } from './options.js';
import { buildServer, closeGracefully } from './server.js';

export interface StartOptions {
  host?: string;
  port?: number;
  options?: ServerOptions;
  /** Print where the server listens and how to call it (default true). */
  banner?: boolean;
  /** Close gracefully on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** Where the banner goes (default stdout). */
  write?: (text: string) => void;
}

export interface RunningServer {
  app: FastifyInstance;
  /** Base URL clients should use, e.g. http://localhost:9001 */
  url: string;
  /** Graceful stop (idempotent). */
  stop(): Promise<void>;
}

/**
 * A shell command that posts `image.jpg` as a v1 JSON body. The base64 text
 * goes through a pipe (`--data-binary @-`), never through the command line,
 * which the kernel caps (`Argument list too long` for photos over ~96 KB);
 * `base64 | tr -d` works with GNU and BSD base64 alike.
 */
export function curlExample(url: string, fields: string, headers: string): string {
  return [
    `{ printf '{${fields}"image":{"type":"base64","value":"'; base64 < image.jpg | tr -d '\\n'; printf '"}}'; } |`,
    `      curl -s ${url} -H 'Content-Type: application/json'${headers} --data-binary @-`,
  ].join('\n');
}

/** The how-to-call text printed at start. */
export function banner(url: string, apiKeyRequired: boolean): string {
  const key = apiKeyRequired ? ' -H "Authorization: Bearer $API_KEY"' : '';
  return [
    '',
    `Inference TS server listening on ${url}`,
    `  API docs     ${url}/docs`,
    `  health       ${url}/healthz   readiness ${url}/readiness   metrics ${url}/metrics`,
    '',
    '  Read text with the built-in OCR (offline, no model download):',
    `    ${curlExample(`${url}/ocr/pp-ocr`, '', key)}`,
    '',
    '  Detect objects with a Roboflow model (needs ROBOFLOW_API_KEY the first time):',
    `    ${curlExample(`${url}/infer/object_detection`, '"model_id":"yolov8n-640",', key)}`,
    `  or send the file itself (legacy route, multipart): curl -s ${url}/coco/3 -F file=@image.jpg${key}`,
    '',
    `  From TypeScript: new InferenceHTTPClient({ apiUrl: '${url}' }).ocrImage('image.jpg', { model: 'pp-ocr' })`,
    '',
  ].join('\n');
}

/**
 * Builds and starts the server, prints how to call it, and stops gracefully
 * on SIGINT/SIGTERM, then exits the process (code 0), at the latest after
 * `shutdownTimeoutMs`; a second signal exits at once (code 1).
 *
 * @example
 * const { url, stop } = await startServer({ port: 9001 });
 */
export async function startServer(o: StartOptions = {}): Promise<RunningServer> {
  const app = await buildServer(o.options);
  const host = o.host ?? '0.0.0.0';
  const address = await app.listen({ port: o.port ?? 9001, host });
  const port = (app.server.address() as { port: number }).port;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}`;
  if (o.banner !== false)
    (o.write ?? ((t) => process.stdout.write(t)))(banner(url, app.services.options.apiKeys.length > 0));
  app.log.debug({ address }, 'listening');

  let stopping: Promise<void> | undefined;
  let exiting = false;
  /**
   * Leaves the process with `code`, abandoning whatever still runs: no new
   * ONNX Runtime runs start, and only runs already inside a worker thread are
   * waited for (exiting under one aborts the process with SIGABRT).
   */
  const exitNow = (code: number) => {
    if (exiting) return;
    exiting = true;
    app.server.closeAllConnections();
    void haltInferenceForExit().finally(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: abandoning in-flight requests and exiting');
      exitNow(1);
      return;
    }
    app.log.info({ signal }, 'shutting down');
    const timeoutMs = app.services.options.shutdownTimeoutMs;
    // SHUTDOWN_TIMEOUT_MS bounds the whole stop: inference still running then is abandoned, not waited for
    const deadline = setTimeout(() => {
      app.log.warn({ timeoutMs }, 'shutdown time limit reached: abandoning in-flight work');
      exitNow(0);
    }, timeoutMs);
    stopping = closeGracefully(app, timeoutMs).then(
      () => {
        clearTimeout(deadline);
        exitNow(0);
      },
      (err: unknown) => {
        clearTimeout(deadline);
        app.log.error({ err }, 'shutdown failed');
        exitNow(1);
      },
    );
  };
  const handle = o.handleSignals !== false;
  if (handle) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return {
    app,
    url,
    stop: () => {
      if (handle) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      stopping ??= closeGracefully(app);
      return stopping;
    },
  };
}
