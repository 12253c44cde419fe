#!/usr/bin/env node
/**
 * Run docker/Dockerfile's build stage without Docker, on this machine.
 *
 *   node scripts/emulate-docker-build.mjs [--out <dir>] [--with-ffmpeg] [--keep]
 *
 * 1. The build context: this checkout filtered by .dockerignore (its size is printed).
 * 2. The build stage's COPY and RUN lines, in order, in a scratch folder: `pnpm`
 *    is pnpm 12.4.2 through npx, `/out` is --out, `--mount=...` is dropped, and
 *    the system steps (apt-get, `npm install -g`) are skipped: this machine has them.
 * The result is the folder the runtime stage copies to /app; check it with
 * `node scripts/check-deploy.mjs --dir <out> --skip-prune`. Takes about a minute
 * (a full install and build); not part of the test suite.
 */
import { execSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sizeOf } from './prune-deploy.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** .dockerignore patterns as one test on context-relative paths (`**`, `*`, `?`; no `!` exceptions used here). */
export function dockerIgnore(text) {
  const res = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((p) => {
      if (p.startsWith('!')) throw new Error(`.dockerignore exception patterns are not emulated: ${p}`);
      const body = p
        .replace(/^\/+|\/+$/g, '')
        .split('/')
        .map((seg) =>
          seg === '**'
            ? '(?:.*)?'
            : seg
                .replace(/[.+^${}()|[\]\\]/g, '\\$&')
                .replace(/\*/g, '[^/]*')
                .replace(/\?/g, '[^/]'),
        )
        .join('/')
        .replace(/\(\?:\.\*\)\?\//g, '(?:.*/)?');
      // a pattern that names a folder excludes everything under it too
      return new RegExp(`^${body}(?:/.*)?$`);
    });
  return (rel) => res.some((re) => re.test(rel));
}

function copyContext(ctx) {
  const ignored = dockerIgnore(
    existsSync(join(ROOT, '.dockerignore')) ? readFileSync(join(ROOT, '.dockerignore'), 'utf8') : '',
  );
  const walk = (rel) => {
    for (const e of readdirSync(join(ROOT, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (ignored(r)) continue;
      if (e.isDirectory()) walk(r);
      else {
        mkdirSync(join(ctx, rel), { recursive: true });
        cpSync(join(ROOT, r), join(ctx, r), { verbatimSymlinks: true });
      }
    }
  };
  walk('');
}

/** The build stage's instructions, continuation lines joined. */
function buildStage() {
  const lines = readFileSync(join(ROOT, 'docker/Dockerfile'), 'utf8').replace(/\\\n/g, ' ').split('\n');
  const start = lines.findIndex((l) => /^FROM\s.*\sAS build\b/i.test(l));
  const end = lines.findIndex((l, i) => i > start && /^FROM\s/i.test(l));
  if (start < 0) throw new Error('docker/Dockerfile has no `FROM ... AS build` stage');
  return lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.trim());
}

function main() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'with-ffmpeg': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const work = mkdtempSync(join(tmpdir(), 'docker-build-'));
  const out = resolve(values.out ?? join(work, 'out'));
  const ctx = join(work, 'context');
  const src = join(work, 'src');
  const shim = join(work, 'bin');
  mkdirSync(src);
  mkdirSync(shim);
  writeFileSync(join(shim, 'pnpm'), '#!/bin/sh\nexec npx -y pnpm@12.4.2 "$@"\n');
  chmodSync(join(shim, 'pnpm'), 0o755);
  rmSync(out, { recursive: true, force: true });
  const env = {
    ...process.env,
    PATH: `${shim}:${process.env.PATH}`,
    CI: 'true',
    ORT_INSTALL: '',
    WITH_FFMPEG: values['with-ffmpeg'] ? '1' : '',
  };
  try {
    copyContext(ctx);
    process.stdout.write(`build context (after .dockerignore): ${(sizeOf(ctx) / 1e6).toFixed(1)} MB\n`);
    for (const line of buildStage()) {
      if (line.startsWith('COPY ')) {
        const parts = line.split(/\s+/).slice(1);
        if (parts.some((p) => p.startsWith('--'))) throw new Error(`COPY flags are not emulated: ${line}`);
        const dest = parts.pop();
        for (const p of parts) {
          const from = join(ctx, p);
          if (!existsSync(from)) throw new Error(`${line}: ${p} is not in the build context`);
          const to =
            dest.endsWith('/') && !statSync(from).isDirectory()
              ? join(src, dest, p.split('/').pop())
              : join(src, dest);
          cpSync(from, to, { recursive: true });
        }
        process.stdout.write(`COPY ${parts.join(' ')} ${dest}\n`);
      } else if (line.startsWith('RUN ')) {
        const cmd = line
          .slice(4)
          .replace(/--mount=\S+\s+/g, '')
          .replace(/(^|\s)\/out\b/g, `$1${out}`);
        if (/apt-get|npm install -g/.test(cmd)) {
          process.stdout.write(`skip (system step): ${cmd.slice(0, 70)}...\n`);
          continue;
        }
        process.stdout.write(`RUN ${cmd}\n`);
        const t0 = performance.now();
        execSync(cmd, { cwd: src, env, stdio: ['ignore', 'inherit', 'inherit'], shell: '/bin/sh' });
        process.stdout.write(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
      }
    }
    process.stdout.write(`the runtime stage's /app: ${out}, ${(sizeOf(out) / 1e6).toFixed(1)} MB\n`);
  } finally {
    // the output stays (inside work unless --out); the context and sources go unless --keep
    if (values.keep) process.stdout.write(`kept ${work}\n`);
    else for (const d of [ctx, src, shim]) rmSync(d, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
