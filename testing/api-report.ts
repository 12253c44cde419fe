/**
 * API report: the names each package exports, per entry of its `exports`
 * map, read with the TypeScript compiler from the entry's sources. A package's
 * report is checked in as `api-report.txt` and compared by its test, so a
 * change of the public surface is a visible diff.
 *
 *   npx tsx testing/api-report.ts [--write] [<package dir> ...]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every package with a public surface. */
export const API_PACKAGES = [
  'packages/sdk',
  'packages/core',
  'packages/pipeline',
  'packages/active-learning',
  'apps/server',
  'apps/cli',
  'apps/stream-manager',
];

type ExportEntry = string | Record<string, string>;

/** `<subpath> <value|type> <name>` lines, sorted: the package's public surface. */
export function apiReport(pkgDir: string): string {
  const dir = resolve(ROOT, pkgDir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    exports: Record<string, ExportEntry>;
  };
  const entries = Object.entries(pkg.exports).map(([sub, entry]) => {
    const src = typeof entry === 'string' ? entry : (entry.source ?? entry.default);
    return { sub, file: resolve(dir, src) };
  });
  const program = ts.createProgram(
    entries.map((e) => e.file),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      customConditions: ['source'],
      skipLibCheck: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  const lines: string[] = [];
  for (const { sub, file } of entries) {
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${pkgDir}: cannot read the exports of ${file}`);
    for (const sym of checker.getExportsOfModule(module)) {
      const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
      const kind = target.flags & ts.SymbolFlags.Value ? 'value' : 'type';
      lines.push(`${sub} ${kind} ${sym.getName()}`);
    }
  }
  return `${lines.sort().join('\n')}\n`;
}

/** Path of a package's checked-in report. */
export const reportPath = (pkgDir: string): string => resolve(ROOT, pkgDir, 'api-report.txt');

/** The checked-in report, or '' when there is none yet. */
export function checkedInReport(pkgDir: string): string {
  const p = reportPath(pkgDir);
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  const dirs = args.filter((a) => !a.startsWith('--'));
  let differ = 0;
  for (const d of dirs.length ? dirs : API_PACKAGES) {
    const now = apiReport(d);
    const count = now.split('\n').filter(Boolean).length;
    if (write) {
      writeFileSync(reportPath(d), now);
      process.stdout.write(`${d}: ${count} names written to api-report.txt\n`);
    } else if (now !== checkedInReport(d)) {
      differ++;
      process.stdout.write(`${d}: the public surface differs from api-report.txt (run with --write)\n`);
    } else process.stdout.write(`${d}: ${count} names, as reported\n`);
  }
  process.exit(differ ? 1 : 0);
}
