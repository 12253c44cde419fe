#!/usr/bin/env node
/**
 * Trim a `pnpm deploy --prod` folder down to what one platform runs.
 *
 *   node scripts/prune-deploy.mjs <dir> [--keep-ffmpeg] [--platform linux] [--arch x64] [--libc glibc|musl] [--json]
 *
 * The target defaults to the machine running the script (so the Docker build
 * stage prunes for the image it builds). Only `<dir>/node_modules` is touched:
 *
 * - packages whose package.json `os`/`cpu`/`libc` exclude the target
 *   (`@img/sharp-*`, `@ffmpeg-installer/*`, ...);
 * - per-platform folders inside a package: `bin/napi-v<N>/<platform>/<arch>`
 *   (onnxruntime-node) and `prebuilds/<platform>-<arch>`;
 * - leftovers of native packages built from source (a `binding.gyp` beside
 *   the package.json): everything under `build/` but `build/Release/*.node`,
 *   and C/C++ sources;
 * - what nothing loads at run time: source maps, TypeScript sources and
 *   declarations, and a package's top-level test/docs/example folders;
 * - the npm static ffmpeg/ffprobe builds (`@ffmpeg-installer/*`,
 *   `@ffprobe-installer/*`, optional dependencies of the pipeline): 147 MB,
 *   as much as everything else together. The pipeline then takes ffmpeg from
 *   FFMPEG_PATH or PATH. `--keep-ffmpeg` keeps ffmpeg and drops only ffprobe
 *   (without it the pipeline reads stream properties from ffmpeg's header);
 * - symlinks left pointing at something removed.
 *
 * Docker runs this script and `scripts/check-deploy.mjs` runs the very same
 * one on a local deploy, so the image's pruning is tested without Docker.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PLATFORMS = new Set(['aix', 'android', 'darwin', 'freebsd', 'linux', 'openbsd', 'sunos', 'win32']);
const ARCHES = new Set([
  'arm',
  'arm64',
  'ia32',
  'loong64',
  'mips',
  'mipsel',
  'ppc',
  'ppc64',
  'riscv64',
  's390x',
  'x64',
]);
const DROPPED_FILE = /\.(map|tsbuildinfo)$|\.[mc]?ts$/;
const NATIVE_SOURCE = /\.(c|cc|cpp|cxx|h|hh|hpp|hxx|o|a|obj|lib)$/i;
const PACKAGE_ROOT_DROPPED = new Set([
  'test',
  'tests',
  '__tests__',
  'docs',
  'doc',
  'example',
  'examples',
  'benchmark',
  'benchmarks',
  'bench',
  '.github',
]);

const FFMPEG = /^@ffmpeg-installer\//;
const FFPROBE = /^@ffprobe-installer\//;

/** The running machine's libc: 'musl', 'glibc' or undefined off Linux. */
export function hostLibc() {
  if (process.platform !== 'linux') return undefined;
  const header = /** @type {{ glibcVersionRuntime?: string }} */ (process.report?.getReport().header ?? {});
  return header.glibcVersionRuntime ? 'glibc' : 'musl';
}

/**
 * Whether a package.json's `os`/`cpu`/`libc` lists admit the target
 * (npm's rules: a `!name` entry excludes, otherwise the list must name it).
 */
export function admits(list, value) {
  if (!Array.isArray(list) || list.length === 0 || value === undefined) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((x) => !String(x).startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Bytes under a path as an image layer stores them (like `du -sb`): symlinks
 * are not followed, and a file hard-linked twice (pnpm links from its store)
 * counts once.
 */
export function sizeOf(path, seen = new Set()) {
  const st = lstatSync(path);
  if (st.isDirectory()) {
    let total = st.size;
    for (const e of readdirSync(path)) total += sizeOf(join(path, e), seen);
    return total;
  }
  const key = `${st.dev}:${st.ino}`;
  if (seen.has(key)) return 0;
  seen.add(key);
  return st.size;
}

/**
 * Prune `<dir>/node_modules` for one target; returns what was removed.
 * @param {string} dir
 * @param {{ platform?: string, arch?: string, libc?: string, keepFfmpeg?: boolean }} [target]
 */
export function pruneDeploy(dir, target = {}) {
  const unwanted = target.keepFfmpeg ? [FFPROBE] : [FFMPEG, FFPROBE];
  const platform = target.platform ?? process.platform;
  const arch = target.arch ?? process.arch;
  const libc =
    target.libc ?? (platform === process.platform ? hostLibc() : platform === 'linux' ? 'glibc' : undefined);
  /** `foreign`: other platforms' packages and folders; `native`: compile leftovers; the rest are counted. */
  const removed = { foreign: [], native: [], optional: [], extras: 0, files: 0, links: 0, bytes: 0 };
  const drop = (path, kind) => {
    const bytes = sizeOf(path);
    rmSync(path, { recursive: true, force: true });
    removed.bytes += bytes;
    if (Array.isArray(removed[kind])) removed[kind].push(path.slice(dir.length + 1));
    else removed[kind]++;
  };

  /** `bin/napi-v6/<platform>/<arch>`, `prebuilds/<platform>-<arch>`: keep the target's only. */
  const prunePlatformFolders = (pkg) => {
    const bin = join(pkg, 'bin');
    if (existsSync(bin) && statSync(bin).isDirectory()) {
      for (const napi of readdirSync(bin).filter((n) => /^napi-v\d+$/.test(n))) {
        const napiDir = join(bin, napi);
        for (const p of readdirSync(napiDir)) {
          if (!PLATFORMS.has(p)) continue;
          if (p !== platform) {
            drop(join(napiDir, p), 'foreign');
            continue;
          }
          for (const a of readdirSync(join(napiDir, p)))
            if (ARCHES.has(a) && a !== arch) drop(join(napiDir, p, a), 'foreign');
        }
      }
    }
    const prebuilds = join(pkg, 'prebuilds');
    if (existsSync(prebuilds) && statSync(prebuilds).isDirectory()) {
      for (const t of readdirSync(prebuilds)) {
        const [p, a] = t.split('-');
        if (PLATFORMS.has(p) && (p !== platform || (a && a !== arch))) drop(join(prebuilds, t), 'foreign');
      }
    }
  };

  /** A package built from source keeps `build/Release/*.node` and its JS, nothing of the compile. */
  const pruneNativeBuild = (pkg) => {
    if (!existsSync(join(pkg, 'binding.gyp'))) return;
    const build = join(pkg, 'build');
    if (existsSync(build)) {
      for (const e of readdirSync(build)) {
        if (e !== 'Release') {
          drop(join(build, e), 'native');
          continue;
        }
        for (const r of readdirSync(join(build, 'Release'))) {
          const p = join(build, 'Release', r);
          if (!(r.endsWith('.node') && lstatSync(p).isFile()) || r.startsWith('test_')) drop(p, 'native');
        }
      }
    }
    const walkSources = (d) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory() && e.name !== 'node_modules' && p !== build) {
          walkSources(p);
          if (readdirSync(p).length === 0) rmSync(p, { recursive: true });
        } else if (e.isFile() && NATIVE_SOURCE.test(e.name)) drop(p, 'files');
      }
    };
    walkSources(pkg);
  };

  const pruneFiles = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) pruneFiles(p);
      else if (e.isFile() && DROPPED_FILE.test(e.name)) drop(p, 'files');
    }
  };

  const prunePackage = (pkg) => {
    const manifest = readJson(join(pkg, 'package.json'));
    if (!manifest) return;
    if (unwanted.some((re) => re.test(String(manifest.name)))) {
      drop(pkg, 'optional');
      return;
    }
    if (!admits(manifest.os, platform) || !admits(manifest.cpu, arch) || !admits(manifest.libc, libc)) {
      drop(pkg, 'foreign');
      return;
    }
    prunePlatformFolders(pkg);
    pruneNativeBuild(pkg);
    for (const e of readdirSync(pkg))
      if (PACKAGE_ROOT_DROPPED.has(e.toLowerCase())) drop(join(pkg, e), 'extras');
    for (const e of readdirSync(pkg, { withFileTypes: true }))
      if (e.name !== 'node_modules' && e.isDirectory()) pruneFiles(join(pkg, e.name));
      else if (e.isFile() && DROPPED_FILE.test(e.name)) drop(join(pkg, e.name), 'files');
    if (existsSync(join(pkg, 'node_modules'))) pruneNodeModules(join(pkg, 'node_modules'));
  };

  /** Real package folders only: pnpm's symlinks point at `.pnpm/*`, visited there. */
  const pruneNodeModules = (nm) => {
    for (const e of readdirSync(nm, { withFileTypes: true })) {
      const p = join(nm, e.name);
      if (!e.isDirectory()) continue;
      if (e.name === '.pnpm') {
        for (const v of readdirSync(p, { withFileTypes: true }))
          if (v.isDirectory() && existsSync(join(p, v.name, 'node_modules')))
            pruneNodeModules(join(p, v.name, 'node_modules'));
      } else if (e.name.startsWith('@')) {
        for (const s of readdirSync(p, { withFileTypes: true }))
          if (s.isDirectory()) prunePackage(join(p, s.name));
      } else if (e.name !== '.bin') prunePackage(p);
    }
  };

  /** Links whose target went away (pnpm links every dependency, optional ones too). */
  const dropDanglingLinks = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isSymbolicLink()) {
        if (!existsSync(p)) drop(p, 'links');
      } else if (e.isDirectory()) dropDanglingLinks(p);
    }
  };

  const nm = join(dir, 'node_modules');
  if (!existsSync(nm)) throw new Error(`${dir} has no node_modules: not a deploy folder`);
  pruneNodeModules(nm);
  dropDanglingLinks(nm);
  return { target: { platform, arch, libc }, ...removed };
}

function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      platform: { type: 'string' },
      arch: { type: 'string' },
      libc: { type: 'string' },
      'keep-ffmpeg': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) {
    process.stderr.write(
      'usage: prune-deploy.mjs <dir> [--keep-ffmpeg] [--platform P] [--arch A] [--libc glibc|musl] [--json]\n',
    );
    process.exit(2);
  }
  const dir = resolve(positionals[0]);
  const before = sizeOf(dir);
  const r = pruneDeploy(dir, { ...values, keepFfmpeg: values['keep-ffmpeg'] });
  const after = sizeOf(dir);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ dir, before, after, ...r })}\n`);
    return;
  }
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  const t = r.target;
  process.stdout.write(
    `pruned ${basename(dir)} for ${t.platform}-${t.arch}${t.libc ? `-${t.libc}` : ''}: ${mb(before)} -> ${mb(after)}` +
      ` (removed ${r.foreign.length} other-platform packages/folders, ${r.native.length} native build leftovers,` +
      ` ${r.optional.length} optional ffmpeg/ffprobe packages,` +
      ` ${r.extras} test/docs/example folders, ${r.files} maps/TypeScript/C files, ${r.links} dangling links)\n`,
  );
  for (const p of [...r.foreign, ...r.native, ...r.optional]) process.stdout.write(`  - ${p}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
