import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import { ModelRegistry } from './registry.js';

describe('model URLs and private addresses', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  let root: string;
  const onnx = constantOutputModel(
    { name: 'images', shape: [1, 3, 8, 8] },
    { out: { dims: [1, 6, 32], data: new Float32Array(192) } },
  );
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'guarded-'));
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/hop') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/m.onnx` }).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': onnx.length })
        .end(onnx);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    ['a loopback IP literal', () => `http://127.0.0.1:${port}/m.onnx`],
    ['a name resolving to loopback', () => `http://localhost:${port}/m.onnx`],
  ])('refuses %s without connecting when private URLs are off', async (_what, url) => {
    const before = hits;
    const registry = new ModelRegistry({
      cacheDir: join(root, 'off'),
      allowHttp: true,
      allowPrivateUrls: false,
    });
    await expect(registry.resolve(url())).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_DOWNLOAD' });
    expect(hits).toBe(before);
  });

  it('downloads from a private address when allowed (the native API default)', async () => {
    const registry = new ModelRegistry({ cacheDir: join(root, 'on'), allowHttp: true });
    const r = await registry.resolve(`http://127.0.0.1:${port}/hop`);
    expect(r.weightsPath).toMatch(/\.onnx$/);
  });
});
