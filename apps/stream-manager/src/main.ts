import { streamManagerConfig } from './config.js';
import { StreamManagerHttp } from './http.js';
import { StreamManager } from './manager.js';

/**
 * Starts the manager and its HTTP API, restores the desired state, and stops cleanly on
 * SIGINT/SIGTERM (pipelines stay in the desired state for the next start). Prints
 * `stream manager listening on <url>` once ready.
 */
export async function startStreamManager(
  overrides: { host?: string; port?: number } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  const config = streamManagerConfig();
  const manager = new StreamManager(config.options);
  const http = new StreamManagerHttp(manager);
  const url = await http.listen({ host: overrides.host ?? config.host, port: overrides.port ?? config.port });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await http.close();
      await manager.close();
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stop().finally(() => process.exit(0));
    });
  }
  // started by a parent over IPC (the server): go when it goes
  if (process.connected) process.once('disconnect', () => void stop().finally(() => process.exit(0)));
  const restored = await manager.restore();
  console.log(
    `stream manager listening on ${url} (restored ${restored.length} pipeline(s), state in ${config.options.stateDir})`,
  );
  if (process.connected) process.send?.({ type: 'listening', url });
  return { url, stop };
}
