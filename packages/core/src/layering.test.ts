import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderArrows, mutualFolders } from '../../../testing/folder-cycles.js';

// Imports between folders point one way: a pair importing each other is a knot to untie.
// The areas live under src/internal/ (the public entries beside this file only re-export).
const INTERNAL = join(import.meta.dirname, 'internal');

describe('folder layering', () => {
  it('has no two folders that import each other', () => {
    expect(mutualFolders(INTERNAL)).toEqual([]);
  });

  it('sees the arrows it checks', () => {
    expect(folderArrows(INTERNAL).size).toBeGreaterThan(3);
  });
});
