/**
 * The Docker image without Docker: the Dockerfile's pruning script on a
 * fixture and on a real `pnpm deploy` of this server, which must then serve
 * OCR with `node dist/main.js` (scripts/check-deploy.mjs), plus the static
 * facts the image build relies on (.dockerignore, manifests copied).
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAS_SHARED, REPO_ROOT, SHARED_SKIP_REASON } from '../../../testing/shared.js';

const PRUNE = join(REPO_ROOT, 'scripts', 'prune-deploy.mjs');
const CHECK = join(REPO_ROOT, 'scripts', 'check-deploy.mjs');
const read = (p: string) => readFileSync(join(REPO_ROOT, p), 'utf8');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function node(args: string[], cwd = REPO_ROOT): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const temps: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'docker-test-'));
  temps.push(d);
  return d;
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

/** First bytes of a native binary: ELF (machine 62 x64, 183 arm64), Mach-O arm64, PE x64. */
function elf(machine: number): Buffer {
  const b = Buffer.alloc(128);
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = 2;
  b[5] = 1;
  b.writeUInt16LE(machine, 18);
  return b;
}
function machoArm64(): Buffer {
  const b = Buffer.alloc(128);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(0x0100000c, 4);
  return b;
}
function peX64(): Buffer {
  const b = Buffer.alloc(128);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(64, 60);
  b.writeUInt32BE(0x50450000, 64);
  b.writeUInt16LE(0x8664, 68);
  return b;
}

function put(root: string, rel: string, content: string | Buffer = ''): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}

/** A pnpm deploy layout with a bit of everything the pruner must tell apart. */
function fixture(): string {
  const root = join(tempDir(), 'out');
  const store = 'node_modules/.pnpm';
  const pkg = (entry: string, name: string, manifest: Record<string, unknown> = {}) => {
    const dir = `${store}/${entry}/node_modules/${name}`;
    put(root, `${dir}/package.json`, JSON.stringify({ name, version: '1.0.0', ...manifest }));
    return dir;
  };
  put(root, 'dist/main.js', 'export {};\n');
  put(root, 'dist/main.js.map', '{}');

  const ort = pkg('onnxruntime-node@1.30.0', 'onnxruntime-node');
  put(root, `${ort}/dist/index.js`, '');
  put(root, `${ort}/dist/index.js.map`, '{}');
  put(root, `${ort}/dist/index.d.ts`, '');
  put(root, `${ort}/lib/index.ts`, '');
  put(root, `${ort}/bin/napi-v6/linux/x64/onnxruntime_binding.node`, elf(62));
  put(root, `${ort}/bin/napi-v6/linux/x64/libonnxruntime.so.1`, elf(62));
  put(root, `${ort}/bin/napi-v6/linux/arm64/onnxruntime_binding.node`, elf(183));
  put(root, `${ort}/bin/napi-v6/darwin/arm64/onnxruntime_binding.node`, machoArm64());
  put(root, `${ort}/bin/napi-v6/win32/x64/onnxruntime.dll`, peX64());

  const own = pkg('@img+sharp-linux-x64@0.35.5', '@img/sharp-linux-x64', {
    os: ['linux'],
    cpu: ['x64'],
    libc: ['glibc'],
  });
  put(root, `${own}/lib/sharp.node`, elf(62));
  const musl = pkg('@img+sharp-linuxmusl-x64@0.35.5', '@img/sharp-linuxmusl-x64', {
    os: ['linux'],
    cpu: ['x64'],
    libc: ['musl'],
  });
  put(root, `${musl}/lib/sharp.node`, elf(62));
  const mac = pkg('@img+sharp-darwin-arm64@0.35.5', '@img/sharp-darwin-arm64', {
    os: ['darwin'],
    cpu: ['arm64'],
  });
  put(root, `${mac}/lib/sharp.node`, machoArm64());
  const sharp = pkg('sharp@0.35.5', 'sharp');
  put(root, `${sharp}/lib/index.js`, '');
  // pnpm links a package's optional dependencies beside it
  const links = join(root, store, 'sharp@0.35.5/node_modules/@img');
  mkdirSync(links, { recursive: true });
  symlinkSync(
    '../../../@img+sharp-darwin-arm64@0.35.5/node_modules/@img/sharp-darwin-arm64',
    join(links, 'sharp-darwin-arm64'),
  );
  symlinkSync(
    '../../../@img+sharp-linux-x64@0.35.5/node_modules/@img/sharp-linux-x64',
    join(links, 'sharp-linux-x64'),
  );

  const ffmpeg = pkg('@ffmpeg-installer+linux-x64@4.1.0', '@ffmpeg-installer/linux-x64', {
    os: ['linux'],
    cpu: ['x64'],
  });
  put(root, `${ffmpeg}/ffmpeg`, elf(62));
  const ffprobe = pkg('@ffprobe-installer+linux-x64@5.2.0', '@ffprobe-installer/linux-x64', {
    os: ['linux'],
    cpu: ['x64'],
  });
  put(root, `${ffprobe}/ffprobe`, elf(62));

  const sqlite = pkg('better-sqlite3@12.11.1', 'better-sqlite3', { main: 'lib/index.js' });
  put(root, `${sqlite}/binding.gyp`, '{}');
  put(root, `${sqlite}/lib/index.js`, '');
  put(root, `${sqlite}/src/addon.cpp`, '');
  put(root, `${sqlite}/deps/sqlite3/sqlite3.c`, '');
  put(root, `${sqlite}/build/Makefile`, '');
  put(root, `${sqlite}/build/Release/better_sqlite3.node`, elf(62));
  put(root, `${sqlite}/build/Release/test_extension.node`, elf(62));
  put(root, `${sqlite}/build/Release/sqlite3.a`, '');
  put(root, `${sqlite}/build/Release/obj.target/better_sqlite3/src/addon.o`, '');

  const plain = pkg('fastify@5.12.8', 'fastify', { main: 'fastify.js' });
  put(root, `${plain}/fastify.js`, '');
  put(root, `${plain}/types/index.d.ts`, '');
  put(root, `${plain}/test/a.test.js`, '');
  put(root, `${plain}/docs/Guide.md`, '');
  put(root, `${plain}/lib/test/helper.js`, ''); // not at the package root: code, kept
  return root;
}

describe('the Dockerfile and .dockerignore', () => {
  const dockerfile = read('docker/Dockerfile');

  it('keeps host node_modules and dist out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
    // nothing the Dockerfile copies is ignored
    for (const line of dockerfile.split('\n').filter((l) => /^COPY (?!--from)/.test(l))) {
      for (const src of line.split(/\s+/).slice(1, -1))
        expect(existsSync(join(REPO_ROOT, src)), src).toBe(true);
    }
  });

  it('copies every workspace manifest before installing, and prunes /out with the tested script', () => {
    const workspace = read('pnpm-workspace.yaml');
    const globs = [...workspace.matchAll(/^\s+-\s+(\S+)/gm)].map((m) => m[1]);
    const manifests = globs.flatMap((g) => {
      if (!g.endsWith('/*')) return [`${g}/package.json`];
      const parent = g.slice(0, -2);
      return readdirSync(join(REPO_ROOT, parent))
        .filter((n) => existsSync(join(REPO_ROOT, parent, n, 'package.json')))
        .map((n) => `${parent}/${n}/package.json`);
    });
    expect(manifests.length).toBeGreaterThan(5);
    for (const m of manifests) expect(dockerfile, `COPY ${m}`).toContain(`COPY ${m} ${dirname(m)}/`);
    expect(dockerfile).toContain('.npmrc');
    expect(dockerfile).toMatch(/^RUN node scripts\/prune-deploy\.mjs \/out\b/m);
    expect(dockerfile).toContain('COPY scripts/prune-deploy.mjs scripts/');
  });
});

describe('scripts/prune-deploy.mjs', () => {
  it('leaves linux-x64 (glibc) only: other platforms, build leftovers, ffmpeg, maps, tests and docs go', async () => {
    const root = fixture();
    const store = join(root, 'node_modules/.pnpm');
    const target = ['--platform', 'linux', '--arch', 'x64', '--libc', 'glibc'];

    // the check sees the foreign binaries before pruning ...
    const before = await node([CHECK, '--dir', root, '--skip-prune', '--skip-serve', '--json', ...target]);
    expect(before.code, before.stderr).toBe(1);
    const seen = JSON.parse(before.stdout) as { binaries: { foreign: string[] } };
    expect(seen.binaries.foreign.map((f) => f.replace(/.*\((.*)\)$/, '$1')).sort()).toEqual([
      'darwin/arm64',
      'darwin/arm64',
      'linux/arm64',
      'win32/x64',
    ]);

    const pruned = await node([PRUNE, root, '--json', ...target]);
    expect(pruned.code, pruned.stderr).toBe(0);
    const gone = (p: string) => expect(existsSync(join(store, p)), p).toBe(false);
    const kept = (p: string) => expect(existsSync(join(store, p)), p).toBe(true);
    const ort = 'onnxruntime-node@1.30.0/node_modules/onnxruntime-node';
    kept(`${ort}/bin/napi-v6/linux/x64/onnxruntime_binding.node`);
    kept(`${ort}/bin/napi-v6/linux/x64/libonnxruntime.so.1`);
    kept(`${ort}/dist/index.js`);
    gone(`${ort}/bin/napi-v6/linux/arm64`);
    gone(`${ort}/bin/napi-v6/darwin`);
    gone(`${ort}/bin/napi-v6/win32`);
    gone(`${ort}/dist/index.js.map`);
    gone(`${ort}/dist/index.d.ts`);
    gone(`${ort}/lib/index.ts`);
    kept('@img+sharp-linux-x64@0.35.5/node_modules/@img/sharp-linux-x64/lib/sharp.node');
    gone('@img+sharp-linuxmusl-x64@0.35.5/node_modules/@img/sharp-linuxmusl-x64');
    gone('@img+sharp-darwin-arm64@0.35.5/node_modules/@img/sharp-darwin-arm64');
    gone('@ffmpeg-installer+linux-x64@4.1.0/node_modules/@ffmpeg-installer/linux-x64');
    gone('@ffprobe-installer+linux-x64@5.2.0/node_modules/@ffprobe-installer/linux-x64');
    // the link to the removed darwin package went with it; the linux one still resolves
    const links = 'sharp@0.35.5/node_modules/@img';
    expect(() => lstatSync(join(store, links, 'sharp-darwin-arm64'))).toThrow();
    kept(`${links}/sharp-linux-x64/lib/sharp.node`);
    const sqlite = 'better-sqlite3@12.11.1/node_modules/better-sqlite3';
    kept(`${sqlite}/build/Release/better_sqlite3.node`);
    kept(`${sqlite}/lib/index.js`);
    kept(`${sqlite}/binding.gyp`);
    for (const p of ['build/Makefile', 'build/Release/test_extension.node', 'build/Release/sqlite3.a'])
      gone(`${sqlite}/${p}`);
    for (const p of ['build/Release/obj.target', 'src', 'deps']) gone(`${sqlite}/${p}`);
    const fastify = 'fastify@5.12.8/node_modules/fastify';
    kept(`${fastify}/fastify.js`);
    kept(`${fastify}/lib/test/helper.js`);
    for (const p of ['test', 'docs', 'types/index.d.ts']) gone(`${fastify}/${p}`);
    // the app's own dist is not touched
    expect(existsSync(join(root, 'dist/main.js.map'))).toBe(true);

    const after = await node([CHECK, '--dir', root, '--skip-prune', '--skip-serve', '--json', ...target]);
    expect(after.code, after.stdout).toBe(0);
    expect((JSON.parse(after.stdout) as { binaries: { foreign: string[] } }).binaries.foreign).toEqual([]);
    if (process.platform === 'linux' && process.arch === 'x64') {
      // for this machine the check also loads every addon left: the fixture's are headers only
      const here = await node([CHECK, '--dir', root, '--skip-prune', '--skip-serve', '--json']);
      expect(here.code).toBe(1);
      expect(here.stdout).toContain('native addons that do not load');
    }
  });

  it('--keep-ffmpeg keeps the static ffmpeg and still drops ffprobe', async () => {
    const root = fixture();
    const r = await node([
      PRUNE,
      root,
      '--keep-ffmpeg',
      '--platform',
      'linux',
      '--arch',
      'x64',
      '--libc',
      'glibc',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const store = join(root, 'node_modules/.pnpm');
    expect(
      existsSync(
        join(store, '@ffmpeg-installer+linux-x64@4.1.0/node_modules/@ffmpeg-installer/linux-x64/ffmpeg'),
      ),
    ).toBe(true);
    expect(
      existsSync(join(store, '@ffprobe-installer+linux-x64@5.2.0/node_modules/@ffprobe-installer/linux-x64')),
    ).toBe(false);
  });

  it('refuses a folder that is not a deploy', async () => {
    const r = await node([PRUNE, tempDir()]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('has no node_modules');
  });
});

/** The workspace's real better-sqlite3 (built from source), if this checkout has it. */
function builtSqlite(): string | undefined {
  try {
    const fromPkg = createRequire(join(REPO_ROOT, 'packages/active-learning/package.json'));
    const dir = dirname(fromPkg.resolve('better-sqlite3/package.json'));
    return existsSync(join(dir, 'build/Release/better_sqlite3.node')) ? dir : undefined;
  } catch {
    return undefined;
  }
}
const SQLITE = builtSqlite();

describe.skipIf(!SQLITE)('a pruned better-sqlite3', () => {
  if (!SQLITE) console.warn('better-sqlite3 is not built in this checkout: skipping the pruned-addon test');

  it('keeps only the compiled .node of its build, and still opens a database', async () => {
    const root = join(tempDir(), 'out');
    // a flat node_modules with the package and the one helper it loads its addon with
    const copy = (from: string, name: string) =>
      cpSync(from, join(root, 'node_modules', name), {
        recursive: true,
        dereference: true,
        filter: (src) => !src.slice(from.length).includes('node_modules'),
      });
    const sqlite = SQLITE as string;
    copy(sqlite, 'better-sqlite3');
    const bindings = dirname(createRequire(join(sqlite, 'package.json')).resolve('bindings/package.json'));
    copy(bindings, 'bindings');
    const uri = dirname(
      createRequire(join(bindings, 'package.json')).resolve('file-uri-to-path/package.json'),
    );
    copy(uri, 'file-uri-to-path');

    const r = await node([PRUNE, root, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const pkg = join(root, 'node_modules/better-sqlite3');
    expect(existsSync(join(pkg, 'build/Release/obj.target'))).toBe(false);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(readdirSync(join(pkg, 'build'))).toEqual(['Release']);
    expect(readdirSync(join(pkg, 'build/Release'))).toEqual(['better_sqlite3.node']);

    const probe = `const D = require('better-sqlite3'); console.log(new D(':memory:').prepare('select 41 + 1 as x').get().x)`;
    const ran = await node(['-e', probe], root);
    expect(ran.stderr).toBe('');
    expect(ran.stdout.trim()).toBe('42');
  });
});

const BUILT = ['apps/server/dist/main.js', 'packages/core/dist/index.js', 'packages/sdk/dist/index.js'].every(
  (p) => existsSync(join(REPO_ROOT, p)),
);

/** The projects pnpm records as installed in this checkout (a deploy run here would replace them). */
function workspaceProjects(): unknown {
  const state = join(REPO_ROOT, 'node_modules/.pnpm-workspace-state-v1.json');
  return existsSync(state)
    ? (JSON.parse(readFileSync(state, 'utf8')) as { projects?: unknown }).projects
    : undefined;
}
const projectsBefore = workspaceProjects();

describe.skipIf(!HAS_SHARED || !BUILT)('the deployed server (pnpm deploy + the Dockerfile pruning)', () => {
  if (!HAS_SHARED) console.warn(SHARED_SKIP_REASON);
  else if (!BUILT)
    console.warn('the server is not built (run `npx -y pnpm@12.4.2 build`): skipping the deploy check');

  it('has no other-platform binaries, is under 150 MB, and serves OCR with node dist/main.js', async () => {
    const r = await node([CHECK, '--json', '--max-mb', '150']);
    // the deploy runs in a scratch copy: this checkout's install is left as it was
    expect(workspaceProjects()).toEqual(projectsBefore);
    const result = JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
      ok: boolean;
      failures: string[];
      target: { platform: string; arch: string };
      bytesBefore: number;
      bytesAfter: number;
      pruned: { foreign: string[] };
      binaries: { own: string[]; foreign: string[] };
      ocr: { status: number; text: string };
    };
    expect(result.failures).toEqual([]);
    expect(r.code).toBe(0);
    expect(result.binaries.foreign).toEqual([]);
    expect(result.binaries.own.some((b) => b.includes('onnxruntime_binding.node'))).toBe(true);
    // onnxruntime-node ships darwin and win32 binaries to every platform: the pruning must have removed some
    expect(result.pruned.foreign.some((p) => p.includes('onnxruntime-node'))).toBe(true);
    expect(result.bytesAfter).toBeLessThan(150e6);
    expect(result.bytesAfter).toBeLessThan(result.bytesBefore);
    expect(result.ocr.status).toBe(200);
    expect(result.ocr.text).toContain('GREAT');
  }, 120_000);
});
