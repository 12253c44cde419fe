import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDir } from './make-dir.js';
import { ModelRegistry } from './registry.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'make-dir-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Node 20's recursive mkdir never settles for /proc/x; only Linux has it
const HAS_PROC = existsSync('/proc/self');

describe('makeDir', () => {
  it('makes missing parents, and accepts a folder that exists', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    await makeDir(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    await makeDir(deep);
  });

  it('refuses a file in the way', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(makeDir(join(dir, 'file'))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(makeDir(join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it.skipIf(!HAS_PROC)('settles with ENOENT where the file system refuses the name (/proc/x)', async () => {
    await expect(makeDir('/proc/x/y')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.skipIf(!HAS_PROC)(
    'a cache folder that cannot be made fails the registry instead of hanging',
    async () => {
      const reg = new ModelRegistry({ cacheDir: '/proc/x', apiKey: 'k', apiBaseUrl: 'http://127.0.0.1:9' });
      await expect(reg.setAlias('mine', 'coco/3')).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(reg.pull('coco/3')).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );
});
