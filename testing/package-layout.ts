import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from './shared.js';

/**
 * What breaks the public/internal layout of a package: an `exports` entry whose
 * source is not `src/index.ts` or `src/<subpath>.ts`, a public entry that does more
 * than re-export, or a module outside `src/internal/` that is no entry. Tests and
 * test support files are left out. `processEntries` (paths under src/, such as the
 * package's `bin` or a server's `main.ts`) are run as processes, not imported: they may
 * sit beside the entries and do more than re-export. Empty when the layout holds.
 */
export function layoutProblems(pkgDir: string, processEntries: readonly string[] = []): string[] {
  const dir = resolve(REPO_ROOT, pkgDir);
  const src = join(dir, 'src');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, string | Record<string, string>>;
  };
  const problems: string[] = [];
  const entries = new Set<string>();
  for (const [sub, entry] of Object.entries(pkg.exports)) {
    const source = typeof entry === 'string' ? entry : entry.source;
    const want = sub === '.' ? './src/index.ts' : `./src/${sub.slice(2)}.ts`;
    if (source !== want) problems.push(`exports["${sub}"].source is ${source}, not ${want}`);
    else entries.add(join(dir, want));
  }
  for (const file of entries) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
    for (const st of sf.statements)
      if (!(ts.isExportDeclaration(st) && st.moduleSpecifier))
        problems.push(
          `${relative(dir, file)} does more than re-export: ${text.slice(st.getStart(sf)).split('\n')[0]}`,
        );
  }
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)],
    );
  for (const file of walk(src)) {
    const rel = relative(src, file);
    if (!rel.endsWith('.ts') || rel.endsWith('.test.ts') || rel.endsWith('test-support.ts')) continue;
    if (!rel.startsWith('internal/') && !entries.has(file) && !processEntries.includes(rel))
      problems.push(`src/${rel} is neither an entry nor internal`);
  }
  return problems;
}
