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
  // started by a parent over IPC: go when it goes, unless told to outlive it (the server's manager
  // keeps its pipelines running through a server crash; the next server adopts it)
  if (process.connected && process.env.STREAM_MANAGER_OUTLIVE_PARENT !== '1') {
    process.once('disconnect', () => void stop().finally(() => process.exit(0)));
  }
  // the restored pipelines are in the table at once (STARTING) and start in the background
  manager.restore().catch(() => undefined);
  console.log(
    `stream manager listening on ${url} (restoring ${manager.list().length} pipeline(s), state in ${config.options.stateDir})`,
  );
  if (process.connected) process.send?.({ type: 'listening', url });
  return { url, stop };
}
