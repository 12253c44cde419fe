import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Folder-level import arrows of a package's `src`: `a -> b` when a file in
 * folder `a` imports (statically, types included) a file in folder `b`.
 * Tests ignored. Root files count as folder '.'.
 */
export function folderArrows(src: string): Map<string, Set<string>> {
  const arrows = new Map<string, Set<string>>();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? walk(join(dir, e.name))
        : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
          ? [join(dir, e.name)]
          : [],
    );
  const top = (file: string) => relative(src, file).split('/').slice(0, -1)[0] ?? '.';
  for (const file of walk(src)) {
    const from = top(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'";]*?from\s+'(\.[^']+)'/g)) {
      const to = top(resolve(dirname(file), m[1]));
      if (to === from || to.startsWith('..')) continue;
      if (!arrows.has(from)) arrows.set(from, new Set());
      arrows.get(from)?.add(to);
    }
  }
  return arrows;
}

/**
 * Pairs of folders that import each other directly (`a <-> b`, sorted). Root
 * files (index.ts re-exporting everything, errors.ts imported by all) are left out.
 */
export function mutualFolders(src: string): string[] {
  const arrows = folderArrows(src);
  const out: string[] = [];
  for (const [a, tos] of arrows)
    for (const b of tos) if (a !== '.' && a < b && arrows.get(b)?.has(a)) out.push(`${a} <-> ${b}`);
  return out.sort();
}
