import { describe, expect, it } from 'vitest';
import { layoutProblems } from '../../../testing/package-layout.js';

// The layout shows what is public: entries (src/index.ts, src/<subpath>.ts) only
// re-export, and every other module sits in src/internal/, which is never exported.
describe('package layout', () => {
  it('has only re-exporting entries and internal modules', () => {
    expect(layoutProblems('packages/sdk')).toEqual([]);
  });
});
