// A server with ENABLE_STREAM_API in its own process, for the crash test in stream-api.test.ts.
// argv: <manager port> <state dir>
import { buildServer } from '../src/internal/server.js';

const app = await buildServer({
  logger: false,
  streamApi: {
    process: {
      port: Number(process.argv[2]),
      env: { STREAM_MANAGER_STATE_DIR: process.argv[3] },
    },
  },
});
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`ready http://127.0.0.1:${(app.server.address() as { port: number }).port}`);
