import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README promises a printed reason when tests skip for want of ../shared.
// Every test file here that skips on HAS_SHARED must print SHARED_SKIP_REASON.
const dir = new URL('.', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts') && f !== 'shared-skip.test.ts');

describe('tests that need ../shared say why they skip', () => {
  it.each(files.filter((f) => readFileSync(join(dir, f), 'utf8').includes('skipIf(!HAS_SHARED)')))(
    '%s',
    (file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text).toMatch(/if \(!HAS_SHARED\) console\.warn\(SHARED_SKIP_REASON\)/);
    },
  );
});
