#!/usr/bin/env node
/**
 * The packages as a user gets them: pack every publishable package, install
 * the tarballs with plain npm into a folder outside the repository, and run
 * each package README's main example there against the shared models.
 *
 *   node scripts/check-tarballs.mjs [--work <folder>] [--fresh] [--only <pkg,...>] [--json]
 *
 * Which example runs: the fenced block right after a `<!-- tarball-check ... -->`
 * comment in a package README (and the root README's "From code") (invisible when rendered), so the README text is
 * what is tested. Attributes of the comment:
 *   expect="<regex>"     the example's stdout must match;
 *   lines=N or lines=A-B sh blocks: run only these command lines (1-based, comments
 *                        and blank lines not counted);
 *   replace="a=>b"       a literal substitution before running (e.g. a Roboflow id
 *                        to the local model the README comment offers instead);
 *   print="<expr>"       appended `console.log(<expr>)` (for examples that compute
 *                        a value without printing it);
 *   server               an `inference server start` from the installed CLI listens
 *                        on the example's 9001 (a free port) while it runs.
 * The examples run in <work>/app (where the tarballs are installed) with the file names the READMEs use (dog.jpg,
 * yolov8n.onnx + coco.names, people.mp4, sign.jpg, ...) copied from ../shared; the
 * ports 9001 and 7070 become free ports; every example ends with process.exit(0)
 * so that servers it started do not keep it alive.
 *
 * Also fails when a package manifest lacks `exports` (with types + default that
 * exist in the tarball), `types`, `files`, `engines.node`, `license` or
 * `repository`, when a packed manifest still says `workspace:`, or when the
 * packed core is 2 MB or more.
 *
 * <work> defaults to $TMPDIR/inference-ts-tarballs and is reused: third-party
 * dependencies stay installed between runs (a cold install downloads ~500 MB from
 * the npm registry and builds better-sqlite3; warm runs take seconds). --fresh
 * empties it first. `--onnxruntime-node-install=skip` keeps onnxruntime-node's
 * install script from fetching CUDA libraries (it ships CPU binaries).
 * Exit 0: passed; 1: failed; 77: skipped (../shared absent or packages not built).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = 77;
const CORE_MAX_BYTES = 2_000_000;
const EXAMPLE_TIMEOUT_MS = 90_000;

/** Every package a user can install, in dependency order. */
export const PACKAGES = [
  'packages/sdk',
  'packages/core',
  'packages/active-learning',
  'packages/pipeline',
  'apps/stream-manager',
  'apps/server',
  'apps/cli',
];

/** Example inputs under the names the READMEs use -> shared file. */
const FIXTURES = {
  'yolov8n.onnx': 'models/yolov8n_int8.onnx',
  'coco.names': 'models/coco.names',
  'dog.jpg': 'media/dog.jpg',
  'photo.jpg': 'media/dog.jpg',
  'horses.jpg': 'media/horses.jpg',
  'sign.jpg': 'media/multi_line_text.jpg',
  'people.mp4': 'media/test_video.mp4',
  'video.mp4': 'media/test_video.mp4',
};

/** Waits until GET <url> answers 200 (the example's server is up), or throws after `ms`. */
async function waitHealthy(url, ms) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    if (Date.now() > until) throw new Error(`${url} did not answer within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The `<!-- tarball-check ... -->` examples of a README: [{ lang, code, attrs }]. */
export function readmeExamples(markdown) {
  const out = [];
  const re = /<!--\s*tarball-check\b([\s\S]*?)-->\s*\n```(\w*)\n([\s\S]*?)\n```/g;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const attrs = {};
    for (const a of m[1].matchAll(/(\w+)(?:=(?:"([^"]*)"|(\S+)))?/g)) attrs[a[1]] = a[2] ?? a[3] ?? '';
    out.push({ lang: m[2], code: m[3], attrs });
  }
  return out;
}

/** Problems with a package manifest as packed (`files` = the tarball's paths, without `package/`). */
export function manifestProblems(pkg, files) {
  const problems = [];
  const has = (p) => files.has(p.replace(/^\.\//, ''));
  if (!pkg.exports?.['.']) problems.push('no exports["."]');
  for (const [sub, entry] of Object.entries(pkg.exports ?? {})) {
    const targets = typeof entry === 'string' ? { default: entry } : entry;
    if (!targets.types) problems.push(`exports["${sub}"] has no types`);
    if (!targets.default && !targets.import) problems.push(`exports["${sub}"] has no default/import`);
    for (const cond of ['types', 'import', 'default'])
      if (targets[cond] && !has(targets[cond]))
        problems.push(`exports["${sub}"].${cond} ${targets[cond]} is not in the tarball`);
  }
  if (!pkg.types || !has(pkg.types)) problems.push(`types ${pkg.types} missing or not in the tarball`);
  if (!Array.isArray(pkg.files) || !pkg.files.includes('dist')) problems.push('files does not list dist');
  if (!has('README.md')) problems.push('README.md is not in the tarball');
  if (!pkg.engines?.node) problems.push('no engines.node');
  if (!pkg.license) problems.push('no license');
  if (!pkg.repository?.url) problems.push('no repository.url');
  for (const [name, bin] of Object.entries(pkg.bin ?? {}))
    if (!has(bin)) problems.push(`bin ${name} -> ${bin} is not in the tarball`);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'])
    for (const [dep, spec] of Object.entries(pkg[field] ?? {}))
      if (String(spec).startsWith('workspace:')) problems.push(`${field}.${dep} is still ${spec}`);
  return problems;
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function runProcess(cmd, args, opts) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // a hung example is killed with everything it started (its process group)
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, opts.timeoutMs ?? EXAMPLE_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      res({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr });
    });
  });
}

/** The example's code as it runs: substitutions, free ports, optional print, exit. */
async function prepare(example, ports) {
  let code = example.code;
  if (example.attrs.replace) {
    const [from, to] = example.attrs.replace.split('=>');
    if (!code.includes(from)) throw new Error(`replace: "${from}" is not in the example`);
    code = code.replaceAll(from, to);
  }
  for (const [port, free] of Object.entries(ports)) code = code.replaceAll(port, String(free));
  if (example.lang === 'sh') {
    const lines = code.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
    const [a, b] = (example.attrs.lines ?? `1-${lines.length}`).split('-').map(Number);
    return `set -e\n${lines.slice(b === undefined ? 0 : a - 1, b ?? a).join('\n')}\n`;
  }
  if (example.attrs.print) code += `\nconsole.log(${example.attrs.print});`;
  return `${code}\nprocess.exit(0);\n`;
}

async function main() {
  const { values } = parseArgs({
    options: {
      work: { type: 'string' },
      fresh: { type: 'boolean', default: false },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const say = (line) => {
    if (!values.json) process.stdout.write(`${line}\n`);
  };
  const skip = (why) => {
    process.stdout.write(`SKIP check-tarballs: ${why}\n`);
    process.exit(SKIP);
  };
  const sharedDir = process.env.INFERENCE_SHARED_DIR ?? resolve(ROOT, '..', 'shared');
  if (!existsSync(join(sharedDir, 'models')) || !existsSync(join(sharedDir, 'media')))
    skip(`../shared (real models and media) not found at ${sharedDir}: the README examples need it`);
  for (const dir of PACKAGES)
    if (!existsSync(join(ROOT, dir, 'dist')))
      skip(`${dir} is not built (run \`npx -y pnpm@12.4.2 build\` first)`);

  const work = resolve(values.work ?? join(tmpdir(), 'inference-ts-tarballs'));
  if (!relative(ROOT, work).startsWith('..'))
    throw new Error(`--work must be outside the repository: ${work}`);
  if (values.fresh) rmSync(work, { recursive: true, force: true });
  const packs = join(work, 'packs');
  rmSync(packs, { recursive: true, force: true });
  mkdirSync(packs, { recursive: true });
  const failures = [];
  const result = { work, tarballs: {}, examples: [], failures };
  const t0 = performance.now();

  // 1. pack (pnpm rewrites workspace: specifiers to versions), one pnpm call for all
  execFileSync(
    'npx',
    [
      '-y',
      'pnpm@12.4.2',
      '-r',
      ...PACKAGES.map((d) => `--filter=./${d}`),
      'pack',
      '--pack-destination',
      packs,
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  for (const dir of PACKAGES) {
    const name = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).name;
    const prefix = name.replace(/^@/, '').replace('/', '-');
    const tgzName = readdirSync(packs).find((f) => f.startsWith(`${prefix}-`) && f.endsWith('.tgz'));
    if (!tgzName) {
      failures.push(`${dir}: pnpm pack made no tarball`);
      continue;
    }
    const tgz = join(packs, tgzName);
    const listing = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' });
    const files = new Set(
      listing
        .split('\n')
        .filter(Boolean)
        .map((f) => f.replace(/^package\//, '')),
    );
    const packed = JSON.parse(
      execFileSync('tar', ['-xOzf', tgz, 'package/package.json'], { encoding: 'utf8' }),
    );
    const bytes = statSync(tgz).size;
    result.tarballs[packed.name] = { file: tgz, bytes };
    say(`packed ${packed.name}: ${(bytes / 1e3).toFixed(0)} kB, ${files.size} files`);
    for (const p of manifestProblems(packed, files)) failures.push(`${packed.name}: ${p}`);
    if (packed.name === '@inference-ts/core' && bytes >= CORE_MAX_BYTES)
      failures.push(`@inference-ts/core tarball is ${bytes} bytes (limit ${CORE_MAX_BYTES})`);
  }

  // 2. install with plain npm, outside the repository; our packages always re-extracted
  const app = join(work, 'app');
  mkdirSync(app, { recursive: true });
  rmSync(join(app, 'node_modules', '@inference-ts'), { recursive: true, force: true });
  rmSync(join(app, 'package-lock.json'), { force: true });
  rmSync(join(app, 'node_modules', '.package-lock.json'), { force: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'tarball-check', private: true, type: 'module' }, null, 2),
  );
  const tgzs = Object.values(result.tarballs).map((t) => t.file);
  const t1 = performance.now();
  const install = await runProcess(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--onnxruntime-node-install=skip', ...tgzs],
    { cwd: app, env: process.env, timeoutMs: 900_000 },
  );
  result.installMs = Math.round(performance.now() - t1);
  if (install.code !== 0) {
    failures.push(`npm install failed (${install.code}): ${install.stderr.slice(-2000)}`);
  } else {
    say(`npm install ./*.tgz in ${app}: ${(result.installMs / 1000).toFixed(1)} s`);

    // 3. the README examples, in a folder with the inputs they name
    const run = app;
    for (const [name, from] of Object.entries(FIXTURES)) cpSync(join(sharedDir, from), join(run, name));
    // active learning's README config (its first json block) as al.json
    const alReadme = readFileSync(join(ROOT, 'packages/active-learning/README.md'), 'utf8');
    writeFileSync(join(run, 'al.json'), /```json\n([\s\S]*?)```/.exec(alReadme)?.[1] ?? '{}');
    const only = values.only?.split(',');
    for (const dir of [...PACKAGES, '.']) {
      if (only && !only.some((o) => (dir === '.' ? o === 'root' : dir.endsWith(o)))) continue;
      const readme = readFileSync(join(ROOT, dir, 'README.md'), 'utf8');
      const examples = readmeExamples(readme);
      if (examples.length === 0) failures.push(`${dir}/README.md has no <!-- tarball-check --> example`);
      for (const [i, ex] of examples.entries()) {
        const name = `${dir === '.' ? 'root' : dir.split('/')[1]}-${i}`;
        const file = join(run, `${name}.${ex.lang === 'sh' ? 'sh' : 'mjs'}`);
        const ports = { 9001: await freePort(), 7070: await freePort() };
        writeFileSync(file, await prepare(ex, ports));
        const env = {
          ...process.env,
          PATH: `${join(run, 'node_modules', '.bin')}:${process.env.PATH}`,
          MODEL_CACHE_DIR: join(work, 'model-cache'),
        };
        const t = performance.now();
        let server;
        let r;
        try {
          if (ex.attrs.server !== undefined) {
            const bin = join(run, 'node_modules', '.bin', 'inference');
            server = spawn(bin, ['server', 'start', '--port', String(ports[9001]), '--host', '127.0.0.1'], {
              cwd: run,
              env,
              stdio: 'ignore',
            });
            await waitHealthy(`http://127.0.0.1:${ports[9001]}/healthz`, 60_000);
          }
          r = await runProcess(ex.lang === 'sh' ? 'bash' : process.execPath, [file], { cwd: run, env });
        } catch (err) {
          r = { code: 1, stdout: '', stderr: String(err) };
        } finally {
          server?.kill('SIGTERM');
        }
        const ms = Math.round(performance.now() - t);
        const ok = r.code === 0 && (!ex.attrs.expect || new RegExp(ex.attrs.expect, 'm').test(r.stdout));
        result.examples.push({ readme: `${dir}/README.md`, block: i, ok, ms });
        say(`${ok ? 'ok  ' : 'FAIL'} ${dir}/README.md example ${i} (${ex.lang}, ${ms} ms)`);
        if (!ok)
          failures.push(
            `${dir}/README.md example ${i}: exit ${r.code}${ex.attrs.expect ? `, expected /${ex.attrs.expect}/` : ''}\n` +
              `  stdout: ${r.stdout.slice(-1500)}\n  stderr: ${r.stderr.slice(-1500)}`,
          );
      }
    }
  }
  result.ok = failures.length === 0;
  result.totalMs = Math.round(performance.now() - t0);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      result.ok
        ? `check-tarballs: ok (${(result.totalMs / 1000).toFixed(1)} s)\n`
        : `check-tarballs FAILED:\n- ${failures.join('\n- ')}\n`,
    );
  process.exit(result.ok ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
