import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCtcAlphabet } from './dictionary.js';
import { ocrModelPaths } from './paths.js';

describe('loadCtcAlphabet', () => {
  it('puts the blank first and a space last, matching the PP-OCRv4 recogniser (6625 classes)', () => {
    const alphabet = loadCtcAlphabet(ocrModelPaths().dictionary, 6625);
    expect(alphabet).toHaveLength(6625);
    expect(alphabet[0]).toBe('');
    expect(alphabet[alphabet.length - 1]).toBe(' ');
    expect(alphabet).toContain('A');
    expect(alphabet).toContain('8');
  });

  it('ignores a trailing newline and rejects a size mismatch with a stable code', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ocr-dict-')), 'keys.txt');
    writeFileSync(path, 'a\nb\n');
    expect(loadCtcAlphabet(path)).toEqual(['', 'a', 'b', ' ']);
    expect(() => loadCtcAlphabet(path, 5)).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_MODEL_ARTEFACT' }),
    );
  });

  it('reports an unreadable file as a model artefact error', () => {
    expect(() => loadCtcAlphabet('/nonexistent/keys.txt')).toThrow(
      expect.objectContaining({ code: 'CORE_ERR_MODEL_ARTEFACT' }),
    );
  });
});
