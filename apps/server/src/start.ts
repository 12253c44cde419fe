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
    `    curl -s ${url}/ocr/pp-ocr -H 'Content-Type: application/json'${key} \\`,
    `      -d "{\\"image\\":{\\"type\\":\\"base64\\",\\"value\\":\\"$(base64 -w0 image.jpg)\\"}}"`,
    '',
    '  Detect objects with a Roboflow model (needs ROBOFLOW_API_KEY the first time):',
    `    curl -s ${url}/infer/object_detection -H 'Content-Type: application/json'${key} \\`,
    `      -d "{\\"model_id\\":\\"yolov8n-640\\",\\"image\\":{\\"type\\":\\"base64\\",\\"value\\":\\"$(base64 -w0 image.jpg)\\"}}"`,
    '',
    `  From TypeScript: new InferenceHTTPClient({ apiUrl: '${url}' }).ocrImage('image.jpg', { model: 'pp-ocr' })`,
    '',
  ].join('\n');
}

/**
 * Builds and starts the server, prints how to call it, and stops gracefully
 * on SIGINT/SIGTERM (a second signal exits at once).
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
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    app.log.info({ signal }, 'shutting down');
    stopping = closeGracefully(app).then(
      () => {
        process.exitCode = 0;
      },
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed');
        process.exitCode = 1;
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
