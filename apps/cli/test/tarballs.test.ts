/**
 * The packages as users install them (scripts/check-tarballs.mjs): every
 * package packed, the tarballs installed with plain npm outside the
 * repository, and each README's marked example run there. Lives in the CLI's
 * tests because the CLI depends on every other package, so turbo has built
 * them all before this runs.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { manifestProblems, readmeExamples } from '../../../scripts/check-tarballs.mjs';
import { REPO_ROOT } from '../../../testing/shared.js';

const SCRIPT = join(REPO_ROOT, 'scripts', 'check-tarballs.mjs');

describe('check-tarballs helpers', () => {
  it('reads the marked README blocks with their attributes', () => {
    const md = [
      '```ts\nnot(this);\n```',
      '<!-- tarball-check expect="dog" replace="a=>b" server -->',
      '```ts\nrun(this);\n```',
    ].join('\n');
    expect(readmeExamples(md)).toEqual([
      { lang: 'ts', code: 'run(this);', attrs: { expect: 'dog', replace: 'a=>b', server: '' } },
    ]);
  });

  it('names every missing manifest field', () => {
    const files = new Set(['dist/index.js', 'dist/index.d.ts', 'README.md']);
    const good = {
      exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
      types: './dist/index.d.ts',
      files: ['dist', 'README.md'],
      engines: { node: '>=20.19' },
      license: 'Apache-2.0',
      repository: { type: 'git', url: 'git+https://example.com/x.git' },
      dependencies: { sharp: '1.0.0' },
    };
    expect(manifestProblems(good, files)).toEqual([]);
    const bad = { ...good, repository: undefined, engines: {}, dependencies: { x: 'workspace:*' } };
    bad.exports = { '.': { types: './dist/index.d.ts', default: './dist/gone.js' } };
    expect(manifestProblems(bad, files)).toEqual([
      'exports["."].default ./dist/gone.js is not in the tarball',
      'no engines.node',
      'no repository.url',
      'dependencies.x is still workspace:*',
    ]);
  });
});

describe('the packed packages, installed with npm outside the repository', () => {
  it('pass the manifest checks and run every README example', { timeout: 900_000 }, async () => {
    const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(process.execPath, [SCRIPT], { cwd: REPO_ROOT, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr });
      });
    });
    if (code === 77) {
      console.warn(out.trim()); // the reason: ../shared absent or packages not built
      return;
    }
    expect(out).toMatch(/check-tarballs: ok/);
    expect(code).toBe(0);
  });
});
