import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './shared.js';

/** Fails for every code of a package's error table that docs/errors.md does not list. */
export function describeErrorDocs(codes: Record<string, unknown>): void {
  describe('docs/errors.md', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
    it.each(Object.keys(codes))('lists %s (regenerate with `npx tsx scripts/error-docs.ts`)', (code) => {
      expect(doc).toContain(`\`${code}\``);
    });
  });
}
