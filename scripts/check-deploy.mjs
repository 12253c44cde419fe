#!/usr/bin/env node
/**
 * Check the server's deploy folder the way the Docker image gets it.
 *
 *   node scripts/check-deploy.mjs [--dir <folder>] [--skip-prune] [--keep-ffmpeg] [--skip-serve] [--keep]
 *                                 [--max-mb 150] [--image <jpg>] [--expect <text>] [--json]
 *                                 [--platform P --arch A --libc L]
 *
 * Without --dir it runs `pnpm --filter=@inference-ts/server deploy --prod --legacy`
 * into a temp folder (needs the workspace built), from a scratch copy of the
 * workspace's manifests, lockfile and package folders (no node_modules), the
 * way the Docker build stage has it: pnpm 12's deploy rewrites the workspace's
 * node_modules/.pnpm-workspace-state-v1.json as a production install of the
 * deployed package, and the next `pnpm run` there then reinstalls the whole
 * workspace without devDependencies. Then, as the Dockerfile does,
 * `node scripts/prune-deploy.mjs <folder>`; then it fails when:
 * - a native binary (ELF, Mach-O, PE) is for another platform or architecture,
 *   or no binary for the target is left (onnxruntime-node must stay), or
 *   (when the target is this machine: no --platform/--arch/--libc) a native
 *   addon (`*.node`) that is left does not load;
 * - the folder is over --max-mb (MB of 10^6 bytes, hard links counted once);
 * - `node dist/main.js` from the folder (PORT=0, so the OS picks the port)
 *   does not answer POST /ocr/pp-ocr on a real image with text containing --expect.
 * Exit 0: passed; 1: failed; 77: skipped, a prerequisite is missing (printed).
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hostLibc, sizeOf } from './prune-deploy.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM = ['-y', 'pnpm@12.4.2'];
const SKIP = 77;
const SERVE_TIMEOUT_MS = 45_000;

/** ELF e_machine values of the architectures Node names. */
const ELF_MACHINE = {
  3: 'ia32',
  40: 'arm',
  62: 'x64',
  183: 'arm64',
  243: 'riscv64',
  21: 'ppc64',
  22: 's390x',
};

/**
 * What a file is, from its first bytes: `{ platform, arch }` for a native
 * binary (arch undefined when not read), undefined for anything else.
 */
export function binaryKind(file) {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const n = readSync(fd, head, 0, 64, 0);
    if (n >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
      const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
      return { platform: 'linux', arch: ELF_MACHINE[machine] ?? `elf-machine-${machine}` };
    }
    if (n >= 8) {
      const magic = head.readUInt32BE(0);
      if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic)) {
        const cpu = head.readUInt32LE(4);
        return {
          platform: 'darwin',
          arch: cpu === 0x0100000c ? 'arm64' : cpu === 0x01000007 ? 'x64' : undefined,
        };
      }
      // a universal binary; Java class files share the magic but have a version > 30 where Mach-O has a small arch count
      if (magic === 0xcafebabe && head.readUInt32BE(4) < 30) return { platform: 'darwin', arch: 'universal' };
    }
    if (n >= 64 && head[0] === 0x4d && head[1] === 0x5a) {
      const peAt = head.readUInt32LE(60);
      const pe = Buffer.alloc(6);
      if (readSync(fd, pe, 0, 6, peAt) === 6 && pe.readUInt32BE(0) === 0x50450000) {
        const m = pe.readUInt16LE(4);
        return {
          platform: 'win32',
          arch: m === 0x8664 ? 'x64' : m === 0xaa64 ? 'arm64' : m === 0x14c ? 'ia32' : undefined,
        };
      }
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Every native binary under dir (symlinks not followed), split by whether the target can load it. */
export function scanBinaries(dir, target) {
  const own = [];
  const foreign = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const k = binaryKind(p);
        if (!k) continue;
        const entry = `${relative(dir, p)} (${k.platform}/${k.arch ?? '?'})`;
        (k.platform === target.platform && k.arch === target.arch ? own : foreign).push(entry);
      }
    }
  };
  walk(dir);
  return { own, foreign };
}

/** Sizes of the app's dist and of each package under node_modules/.pnpm, largest first. */
export function breakdown(dir) {
  const seen = new Set();
  const rows = [];
  if (existsSync(join(dir, 'dist')))
    rows.push({ name: 'dist (the server)', bytes: sizeOf(join(dir, 'dist'), seen) });
  const store = join(dir, 'node_modules', '.pnpm');
  if (existsSync(store))
    for (const e of readdirSync(store, { withFileTypes: true }))
      if (e.isDirectory() && e.name !== 'node_modules')
        rows.push({ name: e.name, bytes: sizeOf(join(store, e.name), seen) });
  return rows.sort((a, b) => b.bytes - a.bytes);
}

/**
 * A copy of the workspace without any node_modules (what `.dockerignore`
 * lets into the image build): the root manifests and every workspace
 * package's folder, built dist/ included.
 */
function scratchWorkspace(ws) {
  const skip = new Set(['node_modules', '.turbo', 'coverage', '.vitest']);
  const copy = (rel) =>
    cpSync(join(ROOT, rel), join(ws, rel), { recursive: true, filter: (src) => !skip.has(basename(src)) });
  for (const f of ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc'])
    if (existsSync(join(ROOT, f))) copy(f);
  const globs = [
    ...readFileSync(join(ROOT, 'pnpm-workspace.yaml'), 'utf8').matchAll(/^\s+-\s+['"]?([^'"\s]+)/gm),
  ];
  for (const [, glob] of globs) {
    const dirs = glob.endsWith('/*')
      ? readdirSync(join(ROOT, glob.slice(0, -2))).map((n) => `${glob.slice(0, -2)}/${n}`)
      : [glob];
    for (const d of dirs) if (existsSync(join(ROOT, d, 'package.json'))) copy(d);
  }
  return ws;
}

/** dlopen each addon in a child process (as require would); the error text, or '' when all load. */
function addonsThatFail(dir, addons) {
  const probe = `for (const f of JSON.parse(process.argv[1])) {
    try { process.dlopen({ exports: {} }, require('node:path').resolve(f)); }
    catch (e) { console.log(f + ': ' + e.message); }
  }`;
  const r = spawnSync(process.execPath, ['-e', probe, JSON.stringify(addons)], {
    cwd: dir,
    encoding: 'utf8',
  });
  return `${r.stdout}${r.status === 0 ? '' : r.stderr}`.trim();
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Start `node dist/main.js` in dir on an OS-picked port, OCR one image, stop it with SIGTERM. */
async function serveOcr(dir, image, expect, cacheDir) {
  const child = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      MODEL_CACHE_DIR: cacheDir,
      LOG_LEVEL: 'warn',
    },
  });
  let out = '';
  const exited = new Promise((res) => child.once('exit', (code, signal) => res({ code, signal })));
  try {
    const url = await new Promise((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`no listening banner within ${SERVE_TIMEOUT_MS} ms:\n${out}`)),
        SERVE_TIMEOUT_MS,
      );
      const onData = (chunk) => {
        out += chunk;
        const m = /listening on (http:\/\/[^\s]+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          res(m[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        rej(new Error(`server exited (${code ?? signal}) before listening:\n${out}`));
      });
    });
    const body = JSON.stringify({ image: { type: 'base64', value: readFileSync(image).toString('base64') } });
    const res = await fetch(`${url}/ocr/pp-ocr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(SERVE_TIMEOUT_MS),
    });
    const json = await res.json();
    const text = typeof json.result === 'string' ? json.result : '';
    if (res.status !== 200 || !text.includes(expect))
      throw new Error(
        `POST /ocr/pp-ocr gave ${res.status} ${JSON.stringify(json).slice(0, 500)}; expected text with "${expect}"`,
      );
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    if (code !== 0) throw new Error(`server exited with ${code ?? signal} after SIGTERM:\n${out}`);
    return { url, status: res.status, text };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      'skip-prune': { type: 'boolean', default: false },
      'keep-ffmpeg': { type: 'boolean', default: false },
      'skip-serve': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      'max-mb': { type: 'string', default: '150' },
      image: { type: 'string' },
      expect: { type: 'string', default: 'GREAT' },
      platform: { type: 'string' },
      arch: { type: 'string' },
      libc: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const say = (line) => {
    if (!values.json) process.stdout.write(`${line}\n`);
  };
  const skip = (why) => {
    process.stdout.write(`SKIP check-deploy: ${why}\n`);
    process.exit(SKIP);
  };
  const target = {
    platform: values.platform ?? process.platform,
    arch: values.arch ?? process.arch,
    libc: values.libc ?? (values.platform ? undefined : hostLibc()),
  };
  const sharedDir = process.env.INFERENCE_SHARED_DIR ?? resolve(ROOT, '..', 'shared');
  const image = values.image ?? join(sharedDir, 'media', 'multi_line_text.jpg');
  if (!values['skip-serve'] && !existsSync(image))
    skip(`no image to OCR at ${image} (../shared absent; pass --image)`);
  if (!values.dir)
    for (const built of [
      'apps/server/dist/main.js',
      'packages/core/dist/index.js',
      'packages/sdk/dist/index.js',
    ])
      if (!existsSync(join(ROOT, built)))
        skip(`${built} is not built (run \`npx -y pnpm@12.4.2 build\` first)`);

  const work = mkdtempSync(join(tmpdir(), 'check-deploy-'));
  const failures = [];
  const result = { target, ok: false, failures };
  try {
    let dir = values.dir ? resolve(values.dir) : join(work, 'out');
    if (!values.dir) {
      const t0 = performance.now();
      const ws = scratchWorkspace(join(work, 'workspace'));
      run('npx', [...PNPM, '--filter=@inference-ts/server', 'deploy', '--prod', '--legacy', dir], {
        cwd: ws,
      });
      result.deployMs = Math.round(performance.now() - t0);
    }
    if (!lstatSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`);
    dir = resolve(dir);
    result.bytesBefore = sizeOf(dir);
    say(`deploy folder ${dir}: ${(result.bytesBefore / 1e6).toFixed(1)} MB`);

    if (!values['skip-prune']) {
      // the same command line as the Dockerfile's build stage
      const args = [join(ROOT, 'scripts', 'prune-deploy.mjs'), dir, '--json'];
      for (const k of ['platform', 'arch', 'libc']) if (values[k]) args.push(`--${k}`, values[k]);
      if (values['keep-ffmpeg']) args.push('--keep-ffmpeg');
      const pruned = JSON.parse(run(process.execPath, args));
      result.pruned = {
        foreign: pruned.foreign,
        native: pruned.native,
        optional: pruned.optional,
        bytes: pruned.bytes,
      };
    }
    result.bytesAfter = sizeOf(dir);
    result.breakdown = breakdown(dir).slice(0, 12);
    say(
      `${values['skip-prune'] ? 'checked as is (--skip-prune)' : 'after pruning'}: ${(result.bytesAfter / 1e6).toFixed(1)} MB; largest parts:`,
    );
    for (const r of result.breakdown) say(`  ${(r.bytes / 1e6).toFixed(1).padStart(7)} MB  ${r.name}`);

    const { own, foreign } = scanBinaries(dir, target);
    result.binaries = { own, foreign };
    say(
      `native binaries for ${target.platform}/${target.arch}: ${own.length}; for other platforms: ${foreign.length}`,
    );
    if (foreign.length) failures.push(`other-platform binaries:\n  ${foreign.join('\n  ')}`);
    if (!own.some((p) => p.includes('onnxruntime_binding.node')))
      failures.push(`no onnxruntime_binding.node for ${target.platform}/${target.arch} left`);
    const addons = own.map((e) => e.slice(0, e.lastIndexOf(' ('))).filter((p) => p.endsWith('.node'));
    // only a folder for this very machine can be loaded here
    if (!values.platform && !values.arch && !values.libc) {
      const broken = addonsThatFail(dir, addons);
      if (broken) failures.push(`native addons that do not load:\n${broken}`);
    }
    const maxBytes = Number(values['max-mb']) * 1e6;
    if (result.bytesAfter > maxBytes)
      failures.push(`${(result.bytesAfter / 1e6).toFixed(1)} MB is over the ${values['max-mb']} MB limit`);

    if (!values['skip-serve']) {
      const t0 = performance.now();
      result.ocr = await serveOcr(dir, image, values.expect, join(work, 'cache'));
      result.ocr.ms = Math.round(performance.now() - t0);
      say(`node dist/main.js served ${result.ocr.url}/ocr/pp-ocr: ${JSON.stringify(result.ocr.text)}`);
    }
  } catch (err) {
    failures.push(err instanceof Error ? err.message : String(err));
  } finally {
    if (values.keep) say(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  result.ok = failures.length === 0;
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      result.ok ? 'check-deploy: ok\n' : `check-deploy FAILED:\n- ${result.failures.join('\n- ')}\n`,
    );
  process.exit(result.ok ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
