import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadFile } from './download.js';

const BODY = Buffer.from('x'.repeat(5000));
const SHA = createHash('sha256').update(BODY).digest('hex');

let server: Server;
let base: string;
const hits: Record<string, number> = {};

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    hits[path] = (hits[path] ?? 0) + 1;
    if (path === '/file.bin') {
      res.writeHead(200, { 'content-length': BODY.length });
      // two chunks with a pause, so that concurrent callers overlap the download
      res.write(BODY.subarray(0, 100));
      setTimeout(() => res.end(BODY.subarray(100)), 50);
    } else if (path === '/chunked.bin') {
      res.writeHead(200);
      res.write(BODY.subarray(0, 2500));
      res.end(BODY.subarray(2500));
    } else if (path === '/stall.bin') {
      res.writeHead(200, { 'content-length': BODY.length });
      res.write(BODY.subarray(0, 10)); // then never finishes
    } else if (path === '/redirect') {
      res.writeHead(302, { location: '/file.bin' });
      res.end();
    } else {
      res.writeHead(404);
      res.end('nope');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'download-test-'));
  for (const k of Object.keys(hits)) delete hits[k];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const http = { allowHttp: true };

describe('downloadFile', () => {
  it('downloads, verifies and leaves only the final file', async () => {
    const dest = join(dir, 'sub', 'm.onnx');
    const r = await downloadFile(`${base}/file.bin`, dest, { ...http, sha256: SHA.toUpperCase() });
    expect(r).toEqual({ path: dest, bytes: BODY.length, sha256: SHA });
    expect(await readFile(dest)).toEqual(BODY);
    expect(await readdir(join(dir, 'sub'))).toEqual(['m.onnx']);
  });

  it('follows redirects', async () => {
    await downloadFile(`${base}/redirect`, join(dir, 'r.bin'), http);
    expect(hits['/file.bin']).toBe(1);
  });

  it('rejects a sha256 mismatch and leaves no file', async () => {
    const err = await downloadFile(`${base}/file.bin`, join(dir, 'm.onnx'), {
      ...http,
      sha256: '0'.repeat(64),
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'CORE_ERR_MODEL_HASH_MISMATCH', details: { actual: SHA } });
    expect(await readdir(dir)).toEqual([]);
  });

  it('shares one download between concurrent callers of the same destination', async () => {
    const dest = join(dir, 'm.onnx');
    const all = await Promise.all(
      Array.from({ length: 5 }, () => downloadFile(`${base}/file.bin`, dest, http)),
    );
    expect(hits['/file.bin']).toBe(1);
    expect(new Set(all.map((r) => r.sha256))).toEqual(new Set([SHA]));
  });

  it.each([
    ['/file.bin', 'declared length'],
    ['/chunked.bin', 'streamed body'],
  ])('enforces the byte limit on %s (%s)', async (path) => {
    const err = await downloadFile(`${base}${path}`, join(dir, 'm.onnx'), { ...http, maxBytes: 1000 }).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ code: 'CORE_ERR_MODEL_DOWNLOAD', details: { limit: 1000 } });
    expect(await readdir(dir)).toEqual([]);
  });

  it('times out when the body stalls', async () => {
    const err = await downloadFile(`${base}/stall.bin`, join(dir, 'm.onnx'), {
      ...http,
      timeoutMs: 200,
    }).catch((e) => e);
    expect(err).toMatchObject({ code: 'CORE_ERR_MODEL_DOWNLOAD' });
    expect(err.message).toMatch(/timed out/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('maps HTTP errors, refuses plain http unless allowed, and reports connection failures', async () => {
    await expect(downloadFile(`${base}/missing`, join(dir, 'a'), http)).rejects.toMatchObject({
      code: 'CORE_ERR_MODEL_DOWNLOAD',
      details: { status: 404 },
    });
    await expect(downloadFile(`${base}/file.bin`, join(dir, 'b'))).rejects.toThrow(/refusing plain http/);
    expect(hits['/file.bin']).toBeUndefined();
    await expect(downloadFile('http://127.0.0.1:1/x', join(dir, 'c'), http)).rejects.toMatchObject({
      code: 'CORE_ERR_MODEL_DOWNLOAD',
    });
  });

  it('uses an injected fetch', async () => {
    const calls: string[] = [];
    const fake = async (url: string) => {
      calls.push(url);
      return new Response(BODY);
    };
    const r = await downloadFile('https://models.example/m.onnx', join(dir, 'm.onnx'), { fetch: fake });
    expect(calls).toEqual(['https://models.example/m.onnx']);
    expect(r.sha256).toBe(SHA);
  });
});
