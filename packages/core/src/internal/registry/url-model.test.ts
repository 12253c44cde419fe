import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { constantOutputModel } from '../../../../../testing/onnx-builder.js';
import { ModelRegistry } from './registry.js';
import { extractTarGz } from './tar.js';

const ONNX = Buffer.from(
  constantOutputModel({ name: 'images', shape: [1, 3, 8, 8] }, { out: { dims: [1, 2], data: [1, 2] } }),
);

/** A minimal ustar writer: enough to build test archives. */
function tar(
  entries: { name: string; data?: Buffer | string; type?: '0' | '5' | '2' | 'x'; link?: string }[],
): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data) : (e.data ?? Buffer.alloc(0));
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write(e.type ?? '0', 156);
    if (e.link) h.write(e.link, 157, 100);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

const pax = (path: string): string => {
  const rec = ` path=${path}\n`;
  let len = rec.length + 2;
  if (`${len}${rec}`.length !== len) len += 1;
  return `${len}${rec}`;
};

const MANIFEST = JSON.stringify({
  task: 'object-detection',
  family: 'yolov8',
  weights: 'w.onnx',
  input: { width: 8, height: 8, resize: 'stretch' },
  classes: ['a'],
});
const ARCHIVE = gzipSync(
  tar([
    { name: 'pkg/', type: '5' },
    { name: 'pkg/model/', type: '5' },
    { name: 'pkg/model/inference.json', data: MANIFEST },
    { name: 'pkg/model/w.onnx', data: ONNX },
    { name: 'pkg/model/link', type: '2', link: '/etc/passwd' },
  ]),
);
const ARCHIVE_SHA = createHash('sha256').update(ARCHIVE).digest('hex');

let server: Server;
let base: string;
const hits: Record<string, number> = {};
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    hits[path] = (hits[path] ?? 0) + 1;
    const bodies: Record<string, Buffer> = {
      '/m.onnx': ONNX,
      '/model.tar.gz': ARCHIVE,
      '/presigned': ONNX,
      '/model.zip': Buffer.from('PK\u0003\u0004rest'),
      '/empty.tgz': gzipSync(tar([{ name: 'readme.txt', data: 'hi' }])),
    };
    const body = bodies[path];
    res.writeHead(body ? 200 : 404);
    res.end(body ?? 'nope');
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
  dir = await mkdtemp(join(tmpdir(), 'url-model-test-'));
  for (const k of Object.keys(hits)) delete hits[k];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('extractTarGz', () => {
  it('extracts files and folders, honours pax paths, skips links', async () => {
    const file = join(dir, 'a.tgz');
    await writeFile(
      file,
      gzipSync(
        tar([
          { name: 'x/', type: '5' },
          { name: 'x/one.txt', data: 'one' },
          { name: 'PaxHeader', type: 'x', data: pax(`x/${'long'.repeat(40)}.txt`) },
          { name: 'truncated-name', data: 'two' },
          { name: 'x/l', type: '2', link: 'one.txt' },
        ]),
      ),
    );
    const files = await extractTarGz(file, join(dir, 'out'));
    expect(files.map((f) => f.slice(dir.length + 5))).toEqual(['x/one.txt', `x/${'long'.repeat(40)}.txt`]);
    expect(await readFile(join(dir, 'out', 'x', 'one.txt'), 'utf8')).toBe('one');
    expect((await readdir(join(dir, 'out', 'x'))).sort()).toEqual([`${'long'.repeat(40)}.txt`, 'one.txt']);
  });

  it.each([['../evil.txt'], ['/abs.txt'], ['a/../../evil.txt']])(
    'refuses the unsafe path %s',
    async (name) => {
      const file = join(dir, 'a.tgz');
      await writeFile(file, gzipSync(tar([{ name, data: 'x' }])));
      await expect(extractTarGz(file, join(dir, 'out'))).rejects.toMatchObject({
        code: 'CORE_ERR_MODEL_ARTEFACT',
      });
      expect(await readdir(dir)).not.toContain('evil.txt');
    },
  );

  it('refuses corrupt archives and archive bombs', async () => {
    const file = join(dir, 'a.tgz');
    await writeFile(file, Buffer.from('not gzip at all'));
    await expect(extractTarGz(file, join(dir, 'o1'))).rejects.toMatchObject({
      code: 'CORE_ERR_MODEL_ARTEFACT',
    });
    const t = tar([{ name: 'a', data: 'abc' }]);
    t[0] ^= 1; // checksum no longer matches
    await writeFile(file, gzipSync(t));
    await expect(extractTarGz(file, join(dir, 'o2'))).rejects.toThrow(/checksum/);
    await writeFile(file, gzipSync(tar([{ name: 'a', data: Buffer.alloc(2000) }])));
    await expect(extractTarGz(file, join(dir, 'o3'), { maxBytes: 1000 })).rejects.toThrow(/limit/);
  });
});

describe('URL models through the registry', () => {
  const registry = () => new ModelRegistry({ cacheDir: join(dir, 'cache'), allowHttp: true });

  it('downloads a .onnx URL once and then serves it from the cache', async () => {
    const r1 = await registry().resolve(`${base}/m.onnx`);
    expect(r1).toMatchObject({
      id: `${base}/m.onnx`,
      source: 'url',
      manifest: { family: 'auto', weights: 'm.onnx' },
    });
    expect(await readFile(r1.weightsPath)).toEqual(ONNX);
    const r2 = await registry().resolve(`${base}/m.onnx`);
    expect(r2).toMatchObject({ source: 'cache', weightsPath: r1.weightsPath });
    expect(hits['/m.onnx']).toBe(1);
    expect(await registry().list()).toEqual([
      expect.objectContaining({ id: `${base}/m.onnx`, source: 'url', sizeBytes: expect.any(Number) }),
    ]);
  });

  it('concurrent resolves of one URL share one download', async () => {
    const reg = registry();
    const all = await Promise.all(Array.from({ length: 4 }, () => reg.resolve(`${base}/m.onnx`)));
    expect(hits['/m.onnx']).toBe(1);
    expect(new Set(all.map((r) => r.dir)).size).toBe(1);
  });

  it('unpacks a .tar.gz model folder, checking its #sha256', async () => {
    const r = await registry().resolve(`${base}/model.tar.gz#sha256=${ARCHIVE_SHA}`);
    expect(r).toMatchObject({
      id: `${base}/model.tar.gz`,
      source: 'url',
      manifest: { family: 'yolov8', classes: ['a'] },
    });
    expect(await readFile(r.weightsPath)).toEqual(ONNX);
    expect((await readdir(r.dir)).sort()).toEqual(['.inference-ts-entry.json', 'inference.json', 'w.onnx']);
  });

  it('a wrong #sha256 leaves nothing in the cache', async () => {
    const err = await registry()
      .resolve(`${base}/model.tar.gz#sha256=${'0'.repeat(64)}`)
      .catch((e) => e);
    expect(err.code).toBe('CORE_ERR_MODEL_HASH_MISMATCH');
    expect(await registry().list()).toEqual([]);
    expect(await readdir(join(dir, 'cache', '_url'))).toEqual([]);
  });

  it('names extension-less downloads .onnx, refuses zip and archives without a model', async () => {
    expect((await registry().resolve(`${base}/presigned?sig=1`)).weightsPath).toMatch(/presigned\.onnx$/);
    await expect(registry().resolve(`${base}/model.zip`)).rejects.toThrow(/ZIP/);
    await expect(registry().resolve(`${base}/empty.tgz`)).rejects.toThrow(/no model folder/);
  });

  it('refuses plain http unless allowed', async () => {
    const reg = new ModelRegistry({ cacheDir: join(dir, 'cache') });
    await expect(reg.resolve(`${base}/m.onnx`)).rejects.toMatchObject({ code: 'CORE_ERR_MODEL_DOWNLOAD' });
    expect(hits['/m.onnx']).toBeUndefined();
  });
});
