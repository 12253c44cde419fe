import { describe, expect, it } from 'vitest';
import { folderArrows, mutualFolders } from '../../../testing/folder-cycles.js';

// Imports between folders point one way: a pair importing each other is a knot to untie.
describe('folder layering', () => {
  it('has no two folders that import each other', () => {
    expect(mutualFolders(import.meta.dirname)).toEqual([]);
  });

  it('sees the arrows it checks', () => {
    expect(folderArrows(import.meta.dirname).size).toBeGreaterThan(3);
  });
});
