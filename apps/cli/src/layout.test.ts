import { describe, expect, it } from 'vitest';
import { layoutProblems } from '../../../testing/package-layout.js';

// The layout shows what is public: entries (src/index.ts, src/<subpath>.ts) only
// re-export, and every other module sits in src/internal/, which is never exported.
// The process entry points (bin.ts) run as processes and sit beside them.
describe('package layout', () => {
  it('has only re-exporting entries and internal modules', () => {
    expect(layoutProblems('apps/cli', ['bin.ts'])).toEqual([]);
  });
});
